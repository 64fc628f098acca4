package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey schedule NAME}: one run; its inputs go up through the links the answer carries. */
@Command(name = "schedule", sortOptions = false, description = {"Schedule a run and print its id and token.",
        "The token is shown only this once: a tracked run's simulation reports its start and stop with it. "
                + "Input files go up through the links the API hands out."},
        footerHeading = "%nExamples:%n",
        footer = {"  lackey schedule mesh-study -p lr=0.01 -p steps=100 -t demo",
                "  lackey schedule copy -c 'sh infra/simulations/copy.sh' --input params.txt",
                "  lackey schedule report -c 'sh report.sh' --wait-for 6/result.txt"})
final class ScheduleCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The run's name.")
    String name;

    @Mixin
    RunOptions run;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "A file to upload as an input (repeatable).")
    List<Path> inputs;

    @Option(names = "--wait-for", paramLabel = "RUN/NAME",
            description = "Dispatch only once run RUN has written its output NAME (needs --command).")
    String waitFor;

    @Option(names = "--json", description = "Print the API's answer (the run, its token and upload links).")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Path> files = Inputs.byName(inputs == null ? List.of() : inputs);
        ObjectNode body = run.body(name);
        if (!files.isEmpty()) {
            ArrayNode names = body.putArray("inputs");
            files.keySet().forEach(names::add);
        }
        if (waitFor != null) {
            body.put("waitFor", waitFor);
        }
        LackeyApi api = lackey.api();
        JsonNode scheduled = api.operator("POST", "/api/run", LackeyApi.Body.json(body));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.text(scheduled));
            out.flush();
        } else {
            out.println("run " + scheduled.path("id").asText() + " " + scheduled.path("status").asText()
                    + (scheduled.path("dispatch").asBoolean(false) ? ", dispatched" : ", tracked")
                    + (scheduled.path("waitingFor").isTextual() ? ", waiting for " + scheduled.get("waitingFor").asText() : ""));
            if (scheduled.path("token").isTextual()) {
                out.println("token " + scheduled.get("token").asText());
            }
            scheduled.path("warnings").forEach(warning -> spec.commandLine().getErr().println("warning: " + warning.asText()));
            out.flush();
        }
        Inputs.upload(api, scheduled.path("uploads"), files, spec.commandLine().getErr());
        return ExitCode.OK;
    }
}
