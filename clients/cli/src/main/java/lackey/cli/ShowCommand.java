package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey show ID}: one run, every field that it has, readable; or the API's JSON. */
@Command(name = "show", sortOptions = false, description = "Show one run: state, command, params, tags, times, progress, "
        + "exit code, log and outputs.", footerHeading = "%nExamples:%n", footer = {"  lackey show 7", "  lackey show 7 --json | jq .params"})
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The run's id.")
    String id;

    @Option(names = "--json", description = "Print the run as the API shows it.")
    boolean json;

    @Override
    public Integer call() {
        long run = RunIds.parse(id);
        JsonNode shown = lackey.api().operator("GET", "/api/run/" + run, LackeyApi.Body.NONE);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.text(shown));
        } else {
            describe(shown, lackey.clock.instant(), lackey.zone).forEach(out::println);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The run as labelled lines, the fields it lacks left out. */
    static List<String> describe(JsonNode run, Instant now, java.time.ZoneId zone) {
        List<String> lines = new ArrayList<>();
        lines.add("run " + run.path("id").asText() + "  " + run.path("name").asText() + "  " + run.path("status").asText());
        add(lines, "command", run.path("command").asText(null));
        if (run.path("waitingFor").isTextual()) {
            add(lines, "waiting for", run.get("waitingFor").asText());
        }
        List<String> params = new ArrayList<>();
        run.path("params").properties().forEach(p -> params.add(p.getKey() + "=" + p.getValue().asText()));
        add(lines, "params", params.isEmpty() ? null : String.join(" ", params));
        List<String> tags = new ArrayList<>();
        run.path("tags").forEach(tag -> tags.add(tag.asText()));
        add(lines, "tags", tags.isEmpty() ? null : String.join(", ", tags));
        add(lines, "dispatched", run.path("dispatch").asBoolean(false)
                ? "yes" + (run.path("dispatchPending").asBoolean(false) ? " (its event is pending: the sweeper publishes it again)" : "")
                : "no (tracked: someone else runs it)");
        add(lines, "scheduled", instant(run, "scheduledAt", zone));
        if (run.hasNonNull("started")) {
            add(lines, "started", TimeText.fullInstant(Instant.ofEpochSecond(run.get("started").asLong()), zone));
        }
        if (run.hasNonNull("stopped")) {
            add(lines, "stopped", TimeText.fullInstant(Instant.ofEpochSecond(run.get("stopped").asLong()), zone));
        }
        String duration = RunTable.duration(run, now);
        add(lines, "duration", duration.isEmpty() ? null
                : duration + (run.path("status").asText().equals("RUNNING") ? " so far" : ""));
        add(lines, "exit code", run.hasNonNull("exitCode") ? run.get("exitCode").asText() : null);
        if (run.hasNonNull("reportedStatus")) {
            add(lines, "reported", run.get("reportedStatus").asText() + " (a late stop)");
        }
        JsonNode beat = run.path("heartbeat");
        if (beat.isObject()) {
            String progress = beat.hasNonNull("progress") ? beat.get("progress").asInt() + "%" : "";
            String message = beat.path("message").asText("");
            add(lines, "heartbeat", (progress + " " + message).strip() + (progress.isEmpty() && message.isEmpty() ? "" : ", ")
                    + "last at " + instant(beat, "receivedAt", zone));
        }
        JsonNode deadline = run.path("deadline");
        if (deadline.isObject()) {
            add(lines, "deadline", instant(deadline, "at", zone) + " (" + deadline.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + ")");
        }
        if (run.hasNonNull("cancelledAt")) {
            add(lines, "cancelled", instant(run, "cancelledAt", zone) + reason(run.path("cancelReason")));
        }
        if (run.hasNonNull("lostAt")) {
            add(lines, "lost", instant(run, "lostAt", zone) + reason(run.path("lostReason")));
        }
        JsonNode log = run.path("log");
        if (log.isObject()) {
            add(lines, "log", TimeText.bytes(log.path("bytes").asLong()) + "  (lackey logs " + run.path("id").asText() + ")");
        }
        List<String> outputs = new ArrayList<>();
        run.path("outputs").forEach(name -> outputs.add(name.asText()));
        add(lines, "outputs", outputs.isEmpty() ? null : String.join(", ", outputs) + "  (lackey files " + run.path("id").asText() + ")");
        add(lines, "task", run.path("taskArn").asText(null));
        return lines;
    }

    private static String reason(JsonNode reason) {
        return reason.isTextual() && !reason.asText().isBlank() ? ": " + reason.asText() : "";
    }

    private static String instant(JsonNode node, String field, java.time.ZoneId zone) {
        return node.hasNonNull(field) ? TimeText.fullInstant(Instant.parse(node.get(field).asText()), zone) : "";
    }

    private static void add(List<String> lines, String label, String value) {
        if (value != null && !value.isEmpty()) {
            lines.add(String.format("  %-11s %s", label, value));
        }
    }
}
