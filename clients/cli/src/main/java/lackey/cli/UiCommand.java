package lackey.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey ui}: the dashboard on 127.0.0.1, its API calls forwarded and signed, like {@code kubectl proxy}. */
@Command(name = "ui", sortOptions = false, description = {"Serve the dashboard on 127.0.0.1 and forward its /api/ calls "
        + "to the API, signed with your AWS credentials when the API needs it (like kubectl proxy).",
        "No login service and no AWS resource: only this machine can use it. Ctrl-C stops it."},
        footerHeading = "%nExamples:%n", footer = {"  lackey ui", "  lackey ui --stack lackey-prod --port 8011"})
final class UiCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8010",
            description = "The port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        LackeyApi api = lackey.api();
        PrintWriter err = spec.commandLine().getErr();
        UiServer server;
        try {
            server = UiServer.start(port, api, Lackey.class.getClassLoader(), line -> {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            });
        } catch (BindException e) {
            throw CliFailure.usage("port " + port + " on 127.0.0.1 is taken", "give another with --port (0 picks a free one)");
        } catch (IOException e) {
            throw CliFailure.usage("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("lackey ui: " + server.url() + "/  (API " + api.base() + (api.signs() ? ", calls signed with SigV4" : "")
                + "); Ctrl-C stops it");
        out.flush();
        new CountDownLatch(1).await(); // until Ctrl-C ends the JVM
        return ExitCode.OK;
    }
}
