package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey cancel ID…}: like {@code scancel}, each run becomes CANCELLED and its simulation is stopped. */
@Command(name = "cancel", sortOptions = false, description = {"Cancel scheduled or running runs, like scancel.",
        "Each becomes CANCELLED, its token stops working, and a dispatched run's task is stopped."},
        footerHeading = "%nExamples:%n", footer = {"  lackey cancel 9 --reason \"wrong mesh\"", "  lackey cancel 12 13 14"})
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "The runs' ids.")
    List<String> ids;

    @Option(names = {"-r", "--reason"}, paramLabel = "TEXT", description = "Why, kept on the run as cancelReason.")
    String reason;

    @Override
    public Integer call() {
        List<Long> runs = ids.stream().map(RunIds::parse).toList();
        LackeyApi api = lackey.api();
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        for (long run : runs) {
            Map<String, String> form = new LinkedHashMap<>();
            if (reason != null) {
                form.put("reason", reason);
            }
            try {
                JsonNode cancelled = api.operator("PUT", "/api/run/cancel/" + run, LackeyApi.Body.form(form));
                out.println("run " + run + " " + cancelled.path("status").asText()
                        + (cancelled.path("cancelReason").isTextual() ? ": " + cancelled.get("cancelReason").asText() : ""));
                out.flush();
            } catch (CliFailure failure) {
                if (runs.size() == 1 || failure.exitCode() != ExitCode.API_ERROR) {
                    throw failure;
                }
                failed++;
                Lackey.report(failure, spec.commandLine().getErr(), lackey.env);
            }
        }
        return failed == 0 ? ExitCode.OK : ExitCode.API_ERROR;
    }
}
