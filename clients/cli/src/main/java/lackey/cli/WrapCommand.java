package lackey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code lackey wrap -- COMMAND…}: runs a command as a lackey run and reports on it by itself, like
 * {@code wandb.init} does for a script. In a dispatched container it reports as the run the container was started
 * for ({@code LACKEY_RUN_ID}, {@code LACKEY_RUN_TOKEN}); anywhere else it schedules a tracked run. Output is teed
 * to the terminal and the run's log, heartbeats go out while the command runs, {@code --outputs} are uploaded,
 * and the stop carries the command's exit status. Ctrl-C and SIGTERM are passed to the command, and the run still
 * stops (FAILED, with the signal). The API being away never holds the command up.
 */
@Command(name = "wrap", sortOptions = false,
        description = {"Run a command as a lackey run: report its start, heartbeats and stop (with its exit status and "
                + "its output as the log), and upload its outputs.",
                "In a dispatched container it reports as the container's run (LACKEY_RUN_ID, LACKEY_RUN_TOKEN); "
                        + "anywhere else it schedules a tracked run first. The command never waits for the API: reports "
                        + "are retried in the background, and the stop for at most --report-timeout after the command ends.",
                "Exits with the command's exit status."},
        footerHeading = "%nExamples:%n",
        footer = {"  lackey wrap -- python train.py --epochs 10",
                "  lackey wrap --name mesh --heartbeat 10s --outputs out/ -- ./simulate.sh",
                "  (in a container's command) lackey wrap -- sh run.sh"})
final class WrapCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "The run's name when wrap schedules it (default: the command's file name).")
    String name;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A param of the scheduled run (repeatable).")
    List<String> params;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", split = ",", description = "A tag of the scheduled run (repeatable).")
    List<String> tags;

    @Option(names = "--heartbeat", paramLabel = "TIME", defaultValue = "30s",
            description = "How often to send a heartbeat while the command runs; 0s for none (default: ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(names = "--outputs", paramLabel = "DIR",
            description = "Upload the files directly in DIR as the run's outputs when the command ends.")
    Path outputs;

    @Option(names = "--report-timeout", paramLabel = "TIME", defaultValue = "5m",
            description = "How long, after the command ends, reports that did not land yet are retried "
                    + "(default: ${DEFAULT-VALUE}); a second Ctrl-C stops waiting.")
    String reportTimeout;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    /** How long output may still come once the command has exited. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final AtomicReference<String> signal = new AtomicReference<>();

    @Override
    public Integer call() throws InterruptedException {
        Duration beat = TimeText.length("--heartbeat", heartbeat);
        Duration bound = TimeText.length("--report-timeout", reportTimeout);
        PrintWriter err = spec.commandLine().getErr();
        RunReporter reporter = reporter(err);
        String runId = lackey.env.get("LACKEY_RUN_ID");
        String runToken = lackey.env.get("LACKEY_RUN_TOKEN");
        boolean dispatched = runId != null && !runId.isBlank() && runToken != null && !runToken.isBlank();

        try (CommandLog log = new CommandLog()) {
            long started = lackey.clock.instant().getEpochSecond();
            if (reporter != null) {
                if (dispatched) {
                    reporter.use(RunIds.parse(runId), runToken.strip());
                } else {
                    reporter.schedule(spec());
                }
                reporter.start(started);
            }
            Process process;
            try {
                process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                int status = e.getMessage() != null && e.getMessage().contains("Permission denied") ? 126 : 127;
                note(log, err, "cannot run " + command.getFirst() + ": " + reason(e));
                return end(reporter, log, started, status, status, bound);
            }
            Signals signals = Signals.install(this, process, reporter);
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            OutputStream stderr = new FileOutputStream(FileDescriptor.err);
            Thread out = log.pump("stdout", process.getInputStream(), stdout);
            Thread errors = log.pump("stderr", process.getErrorStream(), stderr);
            ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "lackey-wrap-heartbeat");
                thread.setDaemon(true);
                return thread;
            });
            if (reporter != null && !beat.isZero()) {
                beats.scheduleAtFixedRate(reporter::heartbeat, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
            }
            int status = process.waitFor();
            beats.shutdownNow();
            // a background process the command left behind may hold its output open: wait for the rest briefly
            out.join(OUTPUT_DRAIN.toMillis());
            errors.join(OUTPUT_DRAIN.toMillis());
            int reported = status;
            String received = signal.get();
            if (received != null) {
                int number = Signals.number(received);
                reported = status != 0 ? status : 128 + number;
                note(log, err, "received SIG" + received + " and passed it to the command, which exited with " + status
                        + "; the run stops FAILED with exit " + reported);
            }
            signals.waitingForReports();
            if (reporter != null && outputs != null) {
                reporter.outputs(outputs);
            }
            return end(reporter, log, started, status, reported, bound);
        }
    }

    // Stops the run with the reported status and waits, bounded, for the reports; returns the command's status.
    private int end(RunReporter reporter, CommandLog log, long started, int status, int reported, Duration bound) {
        if (reporter != null) {
            long stopped = Math.max(started, lackey.clock.instant().getEpochSecond());
            log.flush();
            reporter.stop(stopped, reported, log);
            reporter.finish(bound);
        }
        return status;
    }

    /** What the scheduled run is: a tracked run (no command: wrap runs it) named after the command. */
    private ObjectNode spec() {
        String runName = name != null ? name : Path.of(command.getFirst()).getFileName().toString();
        ObjectNode spec = LackeyApi.object().put("name", runName);
        spec.set("params", Params.parse(params));
        if (tags != null && !tags.isEmpty()) {
            tags.forEach(spec.putArray("tags")::add);
        }
        return spec;
    }

    // The reporter, or null when the API cannot even be named (then the command runs unreported).
    private RunReporter reporter(PrintWriter err) {
        try {
            return new RunReporter(lackey.api(Duration.ofSeconds(30)), err, lackey.clock, Duration.ofSeconds(30));
        } catch (CliFailure failure) {
            err.println("lackey wrap: the command runs without being reported: " + failure.getMessage());
            return null;
        }
    }

    void received(String name) {
        signal.compareAndSet(null, name);
    }

    /** Whether Ctrl-C reaches the command by itself: the terminal sends it to the whole foreground process group. */
    boolean terminalSendsInterrupts() {
        return lackey.terminal.stdin();
    }

    private static void note(CommandLog log, PrintWriter err, String line) {
        log.note("lackey wrap: " + line);
        synchronized (err) {
            err.println("lackey wrap: " + line);
            err.flush();
        }
    }

    // The JDK says 'Cannot run program "x": Exec failed, error: 2 (No such file or directory)': keep the reason.
    private static String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        java.util.regex.Matcher last = java.util.regex.Pattern.compile("\\(([^()]*)\\)\\s*$").matcher(message);
        return last.find() ? last.group(1) : message;
    }

    /**
     * SIGINT and SIGTERM while wrap runs: passed to the command (SIGINT only when it did not come from the terminal,
     * which sends it to the command itself), remembered so the run stops FAILED with the signal. Once the command
     * has ended, a signal stops the wait for the reports instead.
     */
    static final class Signals {

        private final WrapCommand wrap;
        private final Process process;
        private final RunReporter reporter;
        private volatile boolean commandEnded;

        private Signals(WrapCommand wrap, Process process, RunReporter reporter) {
            this.wrap = wrap;
            this.process = process;
            this.reporter = reporter;
        }

        static Signals install(WrapCommand wrap, Process process, RunReporter reporter) {
            Signals signals = new Signals(wrap, process, reporter);
            for (String name : List.of("INT", "TERM")) {
                Signal.handle(new Signal(name), received -> signals.handle(received.getName()));
            }
            return signals;
        }

        void waitingForReports() {
            commandEnded = true;
        }

        private void handle(String name) {
            if (commandEnded) {
                if (reporter != null) {
                    reporter.abandon();
                }
                return;
            }
            wrap.received(name);
            boolean fromTerminal = name.equals("INT") && wrap.terminalSendsInterrupts();
            if (!fromTerminal && process.isAlive()) {
                if (name.equals("TERM")) {
                    process.destroy(); // SIGTERM
                } else {
                    try {
                        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
                    } catch (IOException e) {
                        process.destroy();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        static int number(String name) {
            return switch (name) {
                case "INT" -> 2;
                case "TERM" -> 15;
                default -> new Signal(name).getNumber();
            };
        }
    }
}
