package lackey.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local stand-in for the ECS task a dispatched run gets: runs the container's command as a local
 * process with the container's environment, in the folder the local cloud was started in, its output
 * in {@code $LACKEY_HOME/runs/<id>.out}. Every process still running is stopped on {@link #close()}.
 */
final class Simulations implements AutoCloseable {

    private final Path workDir;
    private final Path runsDir;
    private final Map<String, String> baseEnvironment;
    private final PrintStream log;
    private final Map<Long, Process> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param workDir         the working directory of every simulation
     * @param runsDir         where output files go
     * @param baseEnvironment added to the inherited environment of every simulation (the local endpoints)
     * @param log             where start and exit are reported
     */
    Simulations(Path workDir, Path runsDir, Map<String, String> baseEnvironment, PrintStream log) {
        this.workDir = workDir;
        this.runsDir = runsDir;
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.log = log;
    }

    /**
     * Starts {@code command} for run {@code runId}.
     *
     * @param environment the container's environment (task definition and overrides merged)
     * @return the process, or null when the local cloud is shutting down
     */
    Process launch(String runId, List<String> command, Map<String, String> environment) {
        if (closed) {
            return null;
        }
        String fileName = runId.replaceAll("[^A-Za-z0-9._-]", "_") + ".out";
        Path output = runsDir.resolve(fileName);
        try {
            Files.createDirectories(runsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runsDir + ": " + e.getMessage(), e);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(baseEnvironment);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            log.println("[ecs] run " + runId + " could not start " + command.getFirst() + ": " + e.getMessage());
            return null;
        }
        long pid = process.pid();
        running.put(pid, process);
        log.println("[ecs] run " + runId + " started as process " + pid + ", output in " + output);
        process.onExit().thenAccept(exited -> {
            running.remove(pid);
            if (!closed) {
                log.println("[ecs] run " + runId + " exited with " + exited.exitValue());
            }
        });
        return process;
    }

    /** Processes still running. */
    List<Process> running() {
        return List.copyOf(running.values());
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    @Override
    public void close() {
        closed = true;
        running.values().parallelStream().forEach(process -> Processes.stop(process.toHandle()));
        running.clear();
    }
}
