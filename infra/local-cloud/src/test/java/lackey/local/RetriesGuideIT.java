package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/retries.md runs as written: its {@code sh} blocks, top to bottom in one bash, against a local cloud (its
 * URL in place of http://127.0.0.1:8000), and each command prints what the {@code #   } lines after it show, up
 * to run ids, times, keys and digests; two answers the guide shows identical must be identical.
 */
class RetriesGuideIT {

    private static final Path GUIDE = ProjectLayout.find().root().resolve("docs/retries.md");
    private static final String DOCUMENTED_API = "http://127.0.0.1:8000";
    private static final String EXPECTED = "#   ";
    private static final String MARK = "@@@ command done ";

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    @TempDir
    Path workDir;

    /** Commands (one or more lines) and the answer the guide shows after them, if any. */
    record Step(List<String> commands, List<String> expected) {
    }

    @Test
    void theGuidesCommandsAnswerWhatItShows() throws Exception {
        Assumptions.assumeTrue(onPath("jq"), "docs/retries.md uses jq: install it (apt-get install jq, brew install jq)"
                + " to check the guide; .ci/run installs it and fails on any skipped test");
        List<Step> steps = steps(Files.readAllLines(GUIDE));
        assertTrue(steps.stream().filter(step -> !step.expected().isEmpty()).count() >= 10, "the guide shows its answers");

        var script = new StringBuilder("set -eu\n");
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).commands().forEach(line -> script.append(line.replace(DOCUMENTED_API, LOCAL.cloud().apiUrl().toString())).append('\n'));
            script.append("printf '\\n").append(MARK).append(i).append("\\n'\n");
        }
        Path file = workDir.resolve("guide.sh");
        Files.writeString(file, script);
        Process bash = new ProcessBuilder("bash", file.toString()).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!bash.waitFor(120, TimeUnit.SECONDS) || bash.exitValue() != 0) {
            fail("the guide's commands failed:\n" + output);
        }

        List<List<String>> printed = printedPerStep(output, steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (step.expected().isEmpty()) {
                continue;
            }
            assertEquals(shape(step.expected()), shape(printed.get(i)),
                    "after\n" + String.join("\n", step.commands()) + "\nthe guide shows\n" + String.join("\n", step.expected())
                            + "\nbut the local cloud answered\n" + String.join("\n", printed.get(i)));
            for (int j = 0; j < i; j++) {
                if (steps.get(j).expected().equals(step.expected())) {
                    assertEquals(printed.get(j), printed.get(i), "the guide shows the same answer twice: " + step.expected());
                }
            }
        }
        assertEquals(List.of("guide.sh"), fileNames(workDir), "the guide cleans up after itself");
    }

    /** The guide's sh blocks in order, cut after each command that has its answer shown. */
    private static List<Step> steps(List<String> guide) {
        List<Step> steps = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        boolean inShell = false;
        for (String line : guide) {
            if (!inShell) {
                inShell = line.equals("```sh");
                continue;
            }
            if (line.equals("```")) {
                inShell = false;
                continue;
            }
            if (line.startsWith(EXPECTED)) {
                expected.add(line.substring(EXPECTED.length()));
                continue;
            }
            if (!expected.isEmpty()) {
                steps.add(new Step(List.copyOf(commands), List.copyOf(expected)));
                commands.clear();
                expected.clear();
            }
            commands.add(line);
        }
        steps.add(new Step(List.copyOf(commands), List.copyOf(expected)));
        return steps;
    }

    private static List<List<String>> printedPerStep(String output, int steps) {
        List<List<String>> printed = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.startsWith(MARK)) {
                assertEquals(Integer.toString(printed.size()), line.substring(MARK.length()), output);
                printed.add(List.copyOf(current));
                current.clear();
            } else if (!line.isBlank()) {
                current.add(line);
            }
        }
        assertEquals(steps, printed.size(), "every step ran: " + output);
        return printed;
    }

    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    // unix seconds and millis, attempt keys' nonces, SHA-256 digests
    private static final Pattern LONG_HEX = Pattern.compile("[0-9a-f]{8,}");
    private static final Pattern RUN_ID = Pattern.compile("(\"id\":|run |logs/)\\d+");

    /**
     * An answer with what differs from machine to machine blanked out: times, run ids, timestamps, keys and digests.
     * Small numbers (exit codes, durations, sizes, progress) stay as shown.
     */
    private static List<String> shape(List<String> lines) {
        return lines.stream().map(line -> {
            String shaped = INSTANT.matcher(line).replaceAll("<time>");
            shaped = LONG_HEX.matcher(shaped).replaceAll("<hex>");
            return RUN_ID.matcher(shaped).replaceAll("$1<id>");
        }).toList();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String folder : path.split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> fileNames(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
