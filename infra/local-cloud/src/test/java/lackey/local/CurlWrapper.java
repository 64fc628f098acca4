package lackey.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lackey.emulators.ProjectLayout;

/**
 * infra/wrap/lackey-wrap.sh as a user runs it: {@code SHELL lackey-wrap.sh [options] -- COMMAND…}, under a shell of
 * the test's choosing (dash, busybox sh, bash), with the API in {@code LACKEY_API}, in a working folder and a
 * {@code TMPDIR} of the test's, and with none of the machine's lackey or AWS variables.
 */
final class CurlWrapper {

    static final Path SCRIPT = ProjectLayout.find().root().resolve("infra/wrap/lackey-wrap.sh");
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /** What one run of the wrapper did: its exit status, its stdout (bytes) and its stderr. */
    record Result(int exitCode, byte[] out, String err) {

        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + outText() + "\n--- err:\n" + err;
        }
    }

    /** A started wrapper whose output is being read. */
    static final class Started {

        private final Process process;
        private final StringBuffer errSoFar = new StringBuffer();
        private final CompletableFuture<byte[]> out;
        private final CompletableFuture<String> err;

        private Started(Process process) {
            this.process = process;
            // a thread each, of their own: two blocking reads must never wait for one another
            this.out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream(), null), READERS);
            this.err = CompletableFuture.supplyAsync(() -> new String(readAll(process.getErrorStream(), errSoFar),
                    StandardCharsets.UTF_8), READERS);
        }

        Process process() {
            return process;
        }

        Result result(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError("the wrapper did not end within " + timeout + "; stderr so far: " + errSoFar);
                }
                return new Result(process.exitValue(), out.get(30, TimeUnit.SECONDS), err.get(30, TimeUnit.SECONDS));
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Waits for stderr to hold {@code text} (the wrapper is then that far). */
        void awaitStderr(String text, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (errSoFar.toString().contains(text)) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no '" + text + "' on stderr within " + timeout + ": " + errSoFar);
        }

        /** What the wrapper has said on stderr so far. */
        String stderrSoFar() {
            return errSoFar.toString();
        }

        /** Sends {@code signal} (TERM, INT, KILL) to the wrapper itself. */
        void signal(String signal) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        }
    }

    private final List<String> shell;
    private final Path workDir;
    private final Map<String, String> environment;

    /**
     * @param shell       the shell and its arguments before the script, e.g. {@code ["busybox", "sh"]}
     * @param workDir     the working folder (also TMPDIR's parent)
     * @param environment the wrapper's whole environment besides PATH, HOME and TMPDIR
     */
    CurlWrapper(List<String> shell, Path workDir, Map<String, String> environment) {
        this.shell = List.copyOf(shell);
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
    }

    Started start(Map<String, String> extra, String... args) {
        List<String> command = new ArrayList<>(shell);
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("LACKEY_") || name.startsWith("AWS_") || name.startsWith("ECS_"));
        try {
            Path tmp = Files.createDirectories(workDir.resolve("tmp"));
            env.put("TMPDIR", tmp.toString());
            env.put("HOME", Files.createDirectories(workDir.resolve("home")).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("LANG", "C.UTF-8");
        env.putAll(environment);
        env.putAll(extra);
        try {
            return new Started(builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Result run(Duration timeout, Map<String, String> extra, String... args) {
        return start(extra, args).result(timeout);
    }

    Result run(String... args) {
        return run(Duration.ofSeconds(60), Map.of(), args);
    }

    private static byte[] readAll(InputStream in, StringBuffer copy) {
        var bytes = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytes.write(buffer, 0, n);
                if (copy != null) {
                    copy.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // the process went away
        }
        return bytes.toByteArray();
    }

    /**
     * A folder holding only busybox's applets (and curl), for a PATH like a busybox image's: no GNU env, so SIGINT
     * cannot be given back to a background command there.
     */
    static Path busyboxOnly(Path folder) throws IOException {
        Path bin = Files.createDirectories(folder);
        Path busybox = which("busybox");
        for (String applet : List.of("sh", "env", "sleep", "tee", "mkfifo", "mktemp", "sed", "grep", "tr", "wc", "date",
                "cat", "rm", "mkdir", "head", "pwd", "true")) {
            Path link = bin.resolve(applet);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, busybox);
            }
        }
        if (!Files.exists(bin.resolve("curl"))) {
            Files.createSymbolicLink(bin.resolve("curl"), which("curl"));
        }
        return bin;
    }

    private static Path which(String tool) {
        for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(folder, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not on PATH");
    }
}
