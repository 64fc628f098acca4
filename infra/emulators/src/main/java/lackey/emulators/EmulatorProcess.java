package lackey.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One emulator running as a child process on a loopback port, its output going to a log file in a
 * scratch folder of its own rather than to our stdout. Shared by {@link Dynalite} and {@link S3ProxyServer}.
 */
final class EmulatorProcess implements AutoCloseable {

    /** IPv4 loopback, spelled out: the endpoints we hand out say 127.0.0.1, never localhost or ::1. */
    static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int LOG_TAIL_LINES = 40;
    // When we picked the port ourselves, another process may take it between our check and the child's bind.
    private static final int ATTEMPTS_ON_PICKED_PORT = 3;

    /** Builds the command line for a given port; may write files (configuration) into the scratch folder. */
    @FunctionalInterface
    interface Launcher {
        List<String> command(int port, Path scratchDir) throws IOException;
    }

    private final String name;
    private final int port;
    private final Process process;
    private final Path scratchDir;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean closed;
    private boolean killed;

    private EmulatorProcess(String name, int port, Process process, Path scratchDir, Path logFile, Thread shutdownHook) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.scratchDir = scratchDir;
        this.logFile = logFile;
        this.shutdownHook = shutdownHook;
    }

    /**
     * Starts the emulator and returns once it listens on 127.0.0.1 at its port.
     *
     * @param requestedPort the port, or 0 to pick a free one
     * @param installHint what to tell the user when the program cannot be run at all
     */
    static EmulatorProcess start(String name, int requestedPort, Launcher launcher, String installHint) {
        if (requestedPort < 0 || requestedPort > 65_535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1-65535, not " + requestedPort);
        }
        if (requestedPort != 0) {
            requireFree(requestedPort);
            return startOn(name, requestedPort, launcher, installHint);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return startOn(name, pickFreePort(), launcher, installHint);
            } catch (PortInUseException e) {
                if (attempt >= ATTEMPTS_ON_PICKED_PORT) {
                    throw e;
                }
            }
        }
    }

    private static EmulatorProcess startOn(String name, int port, Launcher launcher, String installHint) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("lackey-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder for " + name + ": " + e, e);
        }
        List<String> command;
        try {
            command = launcher.command(port, scratch);
        } catch (IOException e) {
            deleteRecursively(scratch);
            throw new UncheckedIOException("cannot prepare " + name + ": " + e, e);
        }
        Path log = scratch.resolve(name + ".log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(scratch.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            deleteRecursively(scratch);
            throw new IllegalStateException("cannot start " + name + " (" + String.join(" ", command) + "): "
                    + e.getMessage() + ". " + installHint, e);
        }
        closeStdin(process);
        // close() is the normal way out; the hook covers callers that forget it and JVMs ended by a signal.
        // A JVM killed with SIGKILL runs no hooks: its emulators then outlive it.
        Thread hook = Thread.ofPlatform().name("lackey-stop-" + name).unstarted(() -> {
            boolean running = process.isAlive();
            destroyTree(process);
            if (running) {
                deleteRecursively(scratch);
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        EmulatorProcess child = new EmulatorProcess(name, port, process, scratch, log, hook);
        child.awaitListening();
        return child;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // Both emulators log the address they bound to once they listen. Requiring that line as well as
        // an answer on the port keeps us from taking some other process on the same port for ours.
        String boundMarker = "127.0.0.1:" + port;
        while (true) {
            if (!process.isAlive()) {
                throw startFailure("exited with code " + process.exitValue() + " before listening on 127.0.0.1:" + port);
            }
            if (logContains(boundMarker) && answers(port)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw startFailure("did not answer on 127.0.0.1:" + port + " within " + START_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw startFailure("start was interrupted");
            }
        }
    }

    private IllegalStateException startFailure(String what) {
        stopProcess();
        String tail = logTail();
        String logDescription = "its log " + logFile + " ends with:\n" + tail;
        if (tail.contains("EADDRINUSE") || tail.contains("Address already in use")) {
            return new PortInUseException(port, name + " could not listen on it; " + logDescription);
        }
        return new IllegalStateException(name + " " + what + "; " + logDescription);
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the process and its children and waits for them. The scratch folder (log included) is deleted,
     * unless the process had died on its own: then its log is kept and its place printed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Ctrl-C in a terminal signals the whole process group, so the child may have exited on
        // SIGINT or SIGTERM just before us: that is a normal stop, not a crash worth reporting.
        boolean diedOnItsOwn = !killed && !process.isAlive() && process.exitValue() != 130 && process.exitValue() != 143;
        stopProcess();
        if (diedOnItsOwn) {
            System.err.println("lackey: " + name + " had already exited with code " + process.exitValue()
                    + "; its log is kept at " + logFile);
        } else {
            deleteRecursively(scratchDir);
        }
    }

    /**
     * Kills the process at once (SIGKILL), as a crash would: no clean shutdown, no flush. Its data, if any,
     * stays where it is; {@link #close()} afterwards only tidies up.
     */
    synchronized void kill() {
        killed = true;
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The process, for tests that look at it. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    private void stopProcess() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook is running or about to: it stops the process itself
        }
        destroyTree(process);
    }

    private static void destroyTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean logContains(String text) {
        try {
            return Files.exists(logFile) && Files.readString(logFile, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    String logTail() {
        try {
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            if (lines.isEmpty()) {
                return "(nothing)";
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /**
     * Fails with {@link PortInUseException} when something listens on 127.0.0.1 at the port or holds it.
     */
    static void requireFree(int port) {
        // Connecting catches listeners a bind would not (wildcard listeners on systems with BSD socket rules).
        if (answers(port)) {
            throw new PortInUseException(port);
        }
        try (ServerSocket probe = new ServerSocket()) {
            // as the emulators themselves bind: a port lingering in TIME_WAIT is usable
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(LOOPBACK, port));
        } catch (BindException e) {
            throw new PortInUseException(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check port " + port + " on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    static int pickFreePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeStdin(Process process) {
        try {
            // nothing reads our side of the child's stdin; closing it gives the child an end of file
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child has gone already; awaitListening reports that
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a scratch folder left in the temp dir is harmless
                }
            });
        } catch (IOException e) {
            // likewise
        }
    }
}
