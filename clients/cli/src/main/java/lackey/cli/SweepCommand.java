package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lackey sweep NAME}: one run per combination of a grid, or per row of a CSV or JSON file. The API takes
 * 10,000 runs a call, so a larger sweep goes in several calls; every run then also carries the first call's tag,
 * {@code sweep-<first id>}, so one tag lists the whole sweep.
 */
@Command(name = "sweep", sortOptions = false, description = {"Schedule a parameter sweep: one run per combination of "
        + "--grid values, or per row of a --csv or --json file.",
        "The API takes 10,000 runs a call: a larger sweep goes in several calls (with a progress bar on a terminal), "
                + "and every run carries the first call's tag sweep-<first id>."},
        footerHeading = "%nExamples:%n",
        footer = {"  lackey sweep lr-sweep -c 'sh infra/simulations/hello.sh' --grid lr=0.1,0.01 --grid layers=2,4,8",
                "  lackey sweep seeds --csv runs.csv", "  lackey sweep big -c 'sh sim.sh' --grid a=1,2,3,4,5 --grid b=$(seq -s, 1 5000)"})
final class SweepCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The name every run of the sweep gets.")
    String name;

    @Mixin
    RunOptions run;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Where the runs' params come from: exactly one of these. */
    static final class Source {
        @Option(names = {"-g", "--grid"}, paramLabel = "KEY=V1,V2,…", required = true,
                description = "Values of one param (repeatable): one run per combination, the last param varying fastest.")
        List<String> grid;

        @Option(names = "--csv", paramLabel = "FILE", required = true,
                description = "A CSV file: a header row of param names, then one row per run.")
        Path csv;

        @Option(names = "--json", paramLabel = "FILE", required = true,
                description = "A JSON file: an array of params objects, one per run.")
        Path json;
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), or json: every run's id, token and params in one document.")
    String output;

    @Override
    public Integer call() {
        boolean asJson = switch (output.toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "text", "table" -> false;
            default -> throw CliFailure.usage("--output is text or json, not " + output);
        };
        List<ObjectNode> runs = source.grid != null ? SweepPlan.grid(source.grid)
                : source.csv != null ? SweepPlan.csv(source.csv) : SweepPlan.json(source.json);
        ObjectNode common = this.run.body(name);
        List<List<ObjectNode>> calls = SweepPlan.calls(runs, (ObjectNode) common.get("params"));
        LackeyApi api = lackey.api(Lackey.CALL_TIMEOUT.multipliedBy(3)); // a 10,000-run call takes seconds
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, lackey.terminal.stderr() && calls.size() > 1, "sweep " + name, runs.size());
        ArrayNode scheduled = Json.MAPPER.createArrayNode();
        String tag = null;
        long first = 0;
        long last = 0;
        bar.show(0);
        try {
            for (List<ObjectNode> call : calls) {
                ObjectNode body = common.deepCopy();
                if (tag != null) {
                    ArrayNode tags = body.has("tags") ? (ArrayNode) body.get("tags") : body.putArray("tags");
                    tags.add(tag);
                }
                ArrayNode list = body.putArray("runs");
                call.forEach(list::add);
                JsonNode answer = api.operator("POST", "/api/runs", LackeyApi.Body.json(body));
                if (tag == null) {
                    tag = answer.path("tag").asText();
                    first = answer.path("sweep").asLong();
                }
                for (JsonNode one : answer.path("runs")) {
                    scheduled.add(one);
                    last = Math.max(last, one.path("id").asLong());
                }
                answer.path("warnings").forEach(warning -> err.println("warning: " + warning.asText()));
                bar.show(scheduled.size());
            }
        } catch (CliFailure failure) {
            bar.close();
            if (scheduled.isEmpty()) {
                throw failure;
            }
            print(asJson, tag, first, last, scheduled, calls.size());
            throw CliFailure.api("scheduled " + scheduled.size() + " of the sweep's " + runs.size() + " runs (tag " + tag
                    + "), then: " + failure.getMessage(), "schedule the rest again; `lackey ls --tag " + tag + " --all` lists those stored");
        }
        bar.close();
        print(asJson, tag, first, last, scheduled, calls.size());
        return ExitCode.OK;
    }

    private void print(boolean asJson, String tag, long first, long last, ArrayNode scheduled, int calls) {
        PrintWriter out = spec.commandLine().getOut();
        if (asJson) {
            ObjectNode document = LackeyApi.object().put("sweep", first).put("tag", tag).put("count", scheduled.size());
            document.set("runs", scheduled);
            out.println(Json.text(document));
        } else {
            out.println("sweep " + name + ": " + scheduled.size() + " runs, ids " + first + "-" + last + ", tag " + tag
                    + (calls > 1 ? " (" + calls + " calls of at most " + SweepPlan.MAX_RUNS_PER_CALL + ")" : ""));
        }
        out.flush();
    }
}
