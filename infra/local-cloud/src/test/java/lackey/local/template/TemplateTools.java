package lackey.local.template;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the command-line tools that check template.yaml as AWS will: python3 with aws-sam-translator (the SAM
 * transform) and cfn-lint. Where one is missing, a test says what to install and is skipped, unless
 * {@code LACKEY_REQUIRE_TOOLS=1} (set by .ci/run), where it fails: a skipped check proves nothing.
 */
final class TemplateTools {

    static final String INSTALL = "pip install aws-sam-translator cfn-lint (or check the template with the SAM CLI: "
            + "sam validate --lint)";
    static final String REQUIRE_TOOLS = "LACKEY_REQUIRE_TOOLS";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** Each tool is probed once per test JVM: what is wrong with it, or nothing. */
    private static final Map<String, Optional<String>> PROBES = new ConcurrentHashMap<>();

    private TemplateTools() {
    }

    /** What a finished command printed, and how it ended. */
    record Run(List<String> command, int exitCode, String stdout, String stderr) {

        @Override
        public String toString() {
            return String.join(" ", command) + " exited with " + exitCode + "\n--- stderr:\n" + stderr
                    + "\n--- stdout (first 4000 characters):\n" + stdout.substring(0, Math.min(4000, stdout.length()));
        }
    }

    /**
     * Skips the calling test, or fails it under {@code LACKEY_REQUIRE_TOOLS=1}, unless {@code command} runs and
     * exits 0. Call it before each test (not in {@code @BeforeAll}, whose skip the reports do not count), so
     * that every skipped test is listed with what to install.
     */
    static void assumeAvailable(String what, List<String> command) {
        Optional<String> problem = PROBES.computeIfAbsent(what, tool -> probe(tool, command));
        if (problem.isEmpty()) {
            return;
        }
        String message = problem.get() + ". Install it: " + INSTALL;
        if ("1".equals(System.getenv(REQUIRE_TOOLS))) {
            fail(message + " [" + REQUIRE_TOOLS + "=1: a missing tool fails the build instead of skipping]");
        }
        Assumptions.abort(message);
    }

    private static Optional<String> probe(String what, List<String> command) {
        try {
            Run probe = run(command, Map.of());
            if (probe.exitCode() == 0) {
                return Optional.empty();
            }
            // the last line says why (for python, the ModuleNotFoundError after its traceback)
            List<String> lines = probe.stderr().strip().lines().toList();
            return Optional.of(what + " is not usable (" + String.join(" ", command) + " exited with " + probe.exitCode()
                    + (lines.isEmpty() ? "" : ": " + lines.getLast()) + ")");
        } catch (IOException e) {
            return Optional.of(what + " is not installed (" + e.getMessage() + ")");
        }
    }

    /** python3 with aws-sam-translator importable. */
    static void assumeSamTranslator() {
        assumeAvailable("python3 with aws-sam-translator", List.of("python3", "-c", "import samtranslator"));
    }

    static void assumeCfnLint() {
        assumeAvailable("cfn-lint", List.of("cfn-lint", "--version"));
    }

    /** Runs {@code command} to its end (at most a few minutes) with {@code environment} added to this JVM's. */
    static Run run(List<String> command, Map<String, String> environment) throws IOException {
        Path out = Files.createTempFile("lackey-tool-", ".out");
        Path err = Files.createTempFile("lackey-tool-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try {
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + command.getFirst(), e);
            }
            return new Run(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * A copy of template.yaml in {@code folder} with {@code find} replaced by {@code replacement} at its first
     * occurrence: a deliberately broken template, to show that a check catches the mistake.
     */
    static Path brokenCopy(Path folder, String find, String replacement) throws IOException {
        String text = Files.readString(ProjectFiles.template());
        int at = text.indexOf(find);
        if (at < 0) {
            fail("template.yaml no longer contains " + find + ": update the broken-template case");
        }
        String broken = text.substring(0, at) + replacement + text.substring(at + find.length());
        Path copy = folder.resolve("template.yaml");
        Files.writeString(copy, broken);
        return copy;
    }
}
