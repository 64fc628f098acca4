package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lackey logs ID}: the run's log, exactly as stored, fetched through the short-lived link the API
 * redirects to. A log arrives with the run's stop, so {@code --follow} waits while the run is live, telling its
 * heartbeats on stderr, and prints the log once it has ended.
 */
@Command(name = "logs", sortOptions = false, description = {"Print a run's log, byte for byte.",
        "A run's log arrives with its stop: --follow waits while the run is SCHEDULED or RUNNING (its heartbeats "
                + "go to stderr) and prints the log when it ends."},
        footerHeading = "%nExamples:%n", footer = {"  lackey logs 7", "  lackey logs 7 --follow > run-7.log"})
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The run's id.")
    String id;

    @Option(names = {"-f", "--follow"}, description = "Wait while the run is live, then print its log.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "TIME", defaultValue = "2s",
            description = "How often --follow looks at the run (default: ${DEFAULT-VALUE}).")
    String interval;

    @Override
    public Integer call() throws IOException {
        long run = RunIds.parse(id);
        Duration every = TimeText.length("--interval", interval);
        LackeyApi api = lackey.api();
        if (follow) {
            waitForEnd(api, run, every);
        }
        LackeyApi.Answer answer = api.call("GET", "/api/run/" + run + "/log", LackeyApi.Body.NONE, true);
        if (answer.status() == 404 && "log_not_found".equals(answer.errorCode())) {
            JsonNode shown = api.operator("GET", "/api/run/" + run, LackeyApi.Body.NONE);
            String status = shown.path("status").asText();
            boolean live = status.equals("SCHEDULED") || status.equals("RUNNING");
            throw CliFailure.api("run " + run + " has no log" + (live ? " yet: it is " + status : ": it ended " + status + " without one"),
                    live ? "a log arrives with the run's stop; `lackey logs " + run + " --follow` waits for it" : null);
        }
        if (answer.status() != 302 || answer.header("location") == null) {
            throw api.failure(answer, "GET", "/api/run/" + run + "/log");
        }
        try (InputStream log = api.download(URI.create(answer.header("location")))) {
            log.transferTo(lackey.stdout);
        }
        lackey.stdout.flush();
        return ExitCode.OK;
    }

    private void waitForEnd(LackeyApi api, long run, Duration every) {
        PrintWriter err = spec.commandLine().getErr();
        String told = null;
        while (true) {
            JsonNode shown = api.operator("GET", "/api/run/" + run, LackeyApi.Body.NONE);
            String status = shown.path("status").asText();
            JsonNode beat = shown.path("heartbeat");
            String state = "run " + run + " " + status
                    + (beat.hasNonNull("progress") ? " " + beat.get("progress").asInt() + "%" : "")
                    + (beat.path("message").isTextual() ? " " + beat.get("message").asText() : "");
            if (!state.equals(told)) {
                err.println("lackey: " + state);
                err.flush();
                told = state;
            }
            if (!status.equals("SCHEDULED") && !status.equals("RUNNING")) {
                return;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliFailure.api("interrupted while following run " + run, null);
            }
        }
    }
}
