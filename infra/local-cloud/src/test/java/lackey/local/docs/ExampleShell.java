package lackey.local.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash session in which a doc's commands run one after another, as a reader pasting them into a terminal
 * would: variables, the working directory and files carry over from one command to the next. Each command's
 * output, errors and exit status are captured apart.
 */
final class ExampleShell implements AutoCloseable {

    /** What one command did. */
    record Result(int exitCode, String output, String errors) {
    }

    private final Process bash;
    private final Writer input;
    private final BlockingQueue<String> markers = new ArrayBlockingQueue<>(16);
    private final Path scratch;
    private int count;

    ExampleShell(Path workDir, Path scratch, Map<String, String> environment) throws IOException {
        this.scratch = scratch;
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc").directory(workDir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        bash = builder.start();
        input = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("@@@doc-example ")) {
                        markers.put(line);
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // the shell ended
            }
        }, "doc-example-shell");
        reader.setDaemon(true);
        reader.start();
        // a failing command inside a pipeline fails the pipeline, as with `set -o pipefail` in a script
        send("set -o pipefail\n");
    }

    /** Runs one command in the session and waits for it, at most {@code timeout}. */
    Result run(String command, Duration timeout) throws IOException, InterruptedException {
        int n = ++count;
        Path script = scratch.resolve("command-" + n + ".sh");
        Path out = scratch.resolve("out-" + n);
        Path err = scratch.resolve("err-" + n);
        Path rc = scratch.resolve("rc-" + n);
        Files.writeString(script, command + "\n");
        send(". '" + script + "' > '" + out + "' 2> '" + err + "' < /dev/null; echo $? > '" + rc + "'; echo '@@@doc-example " + n + "'\n");
        String marker = markers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (marker == null) {
            throw new IllegalStateException("the command did not finish within " + timeout.toSeconds() + " s:\n" + command
                    + "\n--- its output so far:\n" + readIfThere(out) + "\n--- its errors so far:\n" + readIfThere(err));
        }
        if (!marker.equals("@@@doc-example " + n)) {
            throw new IllegalStateException("the shell is out of step: expected marker " + n + ", got " + marker);
        }
        return new Result(Integer.parseInt(Files.readString(rc).strip()), Files.readString(out), Files.readString(err));
    }

    private static String readIfThere(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void send(String text) throws IOException {
        input.write(text);
        input.flush();
    }

    @Override
    public void close() {
        bash.descendants().forEach(ProcessHandle::destroy);
        bash.destroy();
        try {
            if (!bash.waitFor(10, TimeUnit.SECONDS)) {
                bash.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
