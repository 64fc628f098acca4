package lackey.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lackey.emulators.ProjectLayout;

/**
 * The real {@code lackey} CLI as a user runs it: the project's launcher, called through a symbolic link in a
 * folder of its own (as a user puts it on PATH), in a working folder of the test's, with the local cloud's API in
 * {@code LACKEY_API}. Its home is a fresh folder (no ~/.aws of the machine is read) and the instance metadata
 * service is off, so nothing leaves this machine.
 */
final class LackeyCli {

    private static final Path ROOT = ProjectLayout.find().root();

    /** What one command did. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    private final Path workDir;
    private final Path launcher;
    private final Map<String, String> environment = new LinkedHashMap<>();

    LackeyCli(String api, Path scratch) {
        try {
            this.workDir = Files.createDirectories(scratch.resolve("work"));
            Path bin = Files.createDirectories(scratch.resolve("bin"));
            Path home = Files.createDirectories(scratch.resolve("home"));
            this.launcher = bin.resolve("lackey");
            if (!Files.exists(launcher)) {
                Files.createSymbolicLink(launcher, ROOT.resolve("lackey"));
            }
            environment.put("HOME", home.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String javaHome = System.getProperty("java.home");
        environment.put("JAVA_HOME", javaHome);
        environment.put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("LACKEY_NO_BUILD", "1");
        environment.put("LACKEY_API", api);
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.put("LANG", "C.UTF-8");
        environment.put("TZ", "UTC");
    }

    Path workDir() {
        return workDir;
    }

    Path launcher() {
        return launcher;
    }

    /** Sets (or with null removes) a variable for every command from now on. */
    LackeyCli with(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    Result run(String... args) {
        return run(Map.of(), Duration.ofSeconds(120), args);
    }

    Result run(Map<String, String> extra, Duration timeout, String... args) {
        Process process = start(extra, args);
        try {
            process.getOutputStream().close();
            var out = new java.util.concurrent.CompletableFuture<String>();
            var err = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> out.complete(read(process.getInputStream())));
            Thread.ofVirtual().start(() -> err.complete(read(process.getErrorStream())));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("lackey " + String.join(" ", args) + " did not end within " + timeout);
            }
            return new Result(process.exitValue(), out.get(30, TimeUnit.SECONDS), err.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a command and leaves it running; its output goes to pipes the caller reads. */
    Process start(Map<String, String> extra, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LACKEY_") || name.startsWith("AWS_"));
        builder.environment().putAll(environment);
        builder.environment().putAll(extra);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
