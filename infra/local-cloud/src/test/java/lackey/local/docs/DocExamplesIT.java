package lackey.local.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The doc test: every {@code sh} example of the project's Markdown files (README.md, docs/, the READMEs beside the
 * code) runs, top to bottom, in a fresh workspace with its
 * own local cloud started through {@code ./lackey local}, and shows the answer the doc says it shows. Commands
 * name the API as the docs do ({@code http://127.0.0.1:8000}); the test gives its local cloud free ports and
 * rewrites 8000-8004 in commands and answers, and puts a {@link ContractProxy} where the commands meet the API, so
 * that every answer they get is also held to openapi.yaml. A read-only command whose answer is not there yet (a dispatched run
 * still running) is repeated for a while, as a reader would look again; any other command runs once.
 */
class DocExamplesIT {

    private static final Path ROOT = ProjectLayout.find().root();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(150);
    /** Long enough for a rate(1 minute) schedule to fire once and its run to finish. */
    private static final Duration SETTLE = Duration.ofSeconds(100);
    private static final Pattern LOCAL_PORT = Pattern.compile("(127\\.0\\.0\\.1|localhost):800([0-4])\\b");
    /** What makes a command change something: it then runs exactly once. */
    private static final Pattern CHANGES_SOMETHING = Pattern.compile(
            "-X\\s*(POST|PUT|DELETE|PATCH)|(^|\\s)(-d|-F|-T|--data\\S*|--upload-file|--form)(\\s|\"|')|\\./lackey\\b"
                    + "|\\baws\\s+\\S+\\s+(put|delete|create|update|rm|mv|cp\\s+\\S+\\s+s3://)|(^|[^2&])>\\s*[^&\\s]"
                    + "|\\blackey\\s+(\\S+\\s+)*?(schedule|sweep|cancel|wrap|files\\s+put|ui)\\b");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestFactory
    Stream<DynamicTest> everyShellExampleOfTheDocsRunsAndShowsWhatTheDocSays() throws IOException {
        Path readme = ROOT.resolve("README.md");
        List<Path> docs = new ArrayList<>(List.of(readme));
        try (var files = Files.walk(ROOT)) {
            files.filter(f -> f.toString().endsWith(".md") && !f.equals(readme) && !isBuildOutput(ROOT.relativize(f)))
                    .sorted().forEach(docs::add);
        }
        assertTrue(Files.isRegularFile(readme), "no README.md at " + ROOT);
        return docs.stream().map(doc -> DynamicTest.dynamicTest(ROOT.relativize(doc).toString(), () -> runExamples(doc)));
    }

    /** Build output, installed packages, local data and git's own files are not the project's docs. */
    private static boolean isBuildOutput(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void runExamples(Path doc) throws Exception {
        DocExamples examples = DocExamples.read(doc);
        boolean local = examples.blocks().stream().anyMatch(b -> b.kind() == DocExamples.Kind.LOCAL && !b.commands().isEmpty());
        for (var block : examples.blocks()) {
            switch (block.kind()) {
                case AWS, DOCKER -> block.commands().forEach(c -> assertTrue(DocExamples.isComplete(c.text()), where(doc, c) + c.text()));
                case SUITE -> block.commands().forEach(c -> assertRunByCi(doc, c));
                case LOCAL -> { }
            }
        }
        if (!local) {
            return;
        }
        for (String tool : List.of("curl", "jq")) {
            Assumptions.assumeTrue(onPath(tool), "the docs' examples need " + tool + ": install it (apt-get install " + tool + ")");
        }
        Path workspace = Files.createTempDirectory("lackey-doc-" + doc.getFileName() + "-");
        Path scratch = Files.createTempDirectory("lackey-doc-scratch-");
        Ports ports = Ports.free();
        Map<String, String> environment = environment(ports);
        // a home of its own: docs may tell readers to change ~ (a link in ~/.local/bin, a shell rc file)
        Path home = Files.createDirectories(scratch.resolve("home"));
        environment.put("HOME", home.toString());
        boolean passed = false;
        linkProject(workspace);
        try (var cloud = new LauncherCloud(workspace, environment, ports);
             var contract = new ContractProxy(ports.port(0));
             var shell = new ExampleShell(workspace, scratch, withApiDefault(environment, contract.port()))) {
            Ports seen = ports.withApi(contract.port());
            for (var block : examples.blocks()) {
                if (block.kind() != DocExamples.Kind.LOCAL) {
                    continue;
                }
                for (var command : block.commands()) {
                    String text = seen.rewrite(command.text());
                    if (text.startsWith("./lackey local")) {
                        cloud.start(text);
                        continue;
                    }
                    cloud.ensureStarted();
                    run(doc, shell, command, text, seen);
                    List<String> violations = contract.drainViolations();
                    assertTrue(violations.isEmpty(), where(doc, command) + "an answer breaks openapi.yaml:\n"
                            + String.join("\n", violations) + "\n--- command:\n" + text);
                }
            }
            passed = true;
        } finally {
            if (passed) {
                deleteTree(workspace);
                deleteTree(scratch);
            } else {
                System.err.println("doc test: the failed workspace is kept at " + workspace + " (the local cloud's log: "
                        + workspace.resolve("lackey-local.log") + ")");
            }
        }
    }

    private static void run(Path doc, ExampleShell shell, DocExamples.Command command, String text, Ports ports)
            throws Exception {
        Optional<ShownAnswer> shown = command.hasAnswer()
                ? Optional.of(ShownAnswer.parse(command.answer().stream().map(ports::rewrite).toList()))
                : Optional.empty();
        boolean repeatable = !CHANGES_SOMETHING.matcher(text).find();
        Instant giveUp = Instant.now().plus(SETTLE);
        while (true) {
            ExampleShell.Result result = shell.run(text, COMMAND_TIMEOUT);
            Optional<String> problem = result.exitCode() != 0
                    ? Optional.of("exit status " + result.exitCode())
                    : shown.flatMap(answer -> answer.mismatch(result.output()));
            if (problem.isEmpty()) {
                return;
            }
            // 126 and 127: the shell could not run the command at all; looking again will not help
            boolean cannotRun = result.exitCode() == 126 || result.exitCode() == 127;
            if (!repeatable || cannotRun || Instant.now().isAfter(giveUp)) {
                fail(where(doc, command) + problem.get() + "\n--- command:\n" + text + "\n--- output:\n" + result.output()
                        + "\n--- errors:\n" + result.errors());
            }
            Thread.sleep(500);
        }
    }

    private static void assertRunByCi(Path doc, DocExamples.Command command) {
        String ci;
        try {
            ci = Files.readString(ROOT.resolve(".ci/run"));
        } catch (IOException e) {
            throw new AssertionError(".ci/run is missing", e);
        }
        List<String> words = List.of(command.text().split("\\s+"));
        boolean found = ci.lines().map(String::strip).filter(line -> !line.startsWith("#"))
                .anyMatch(line -> List.of(line.split("\\s+")).containsAll(words));
        assertTrue(found, where(doc, command) + "the docs' test command `" + command.text() + "` is not what .ci/run runs");
    }

    private static String where(Path doc, DocExamples.Command command) {
        return ROOT.relativize(doc) + ":" + command.line() + ": ";
    }

    /** A workspace that looks like a clone: the project's top-level entries linked, its own .lackey. */
    private static void linkProject(Path workspace) throws IOException {
        try (var entries = Files.list(ROOT)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals(".git") && !name.equals(".lackey")) {
                    Files.createSymbolicLink(workspace.resolve(name), entry);
                }
            }
        }
    }

    private static Map<String, String> environment(Ports ports) {
        Map<String, String> env = new LinkedHashMap<>();
        String javaHome = System.getProperty("java.home");
        env.put("JAVA_HOME", javaHome);
        env.put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("LACKEY_NO_BUILD", "1");
        env.put("LACKEY_PORT", Integer.toString(ports.port(0)));
        env.put("LACKEY_DYNAMODB_PORT", Integer.toString(ports.port(1)));
        env.put("LACKEY_S3_PORT", Integer.toString(ports.port(2)));
        env.put("LACKEY_EVENTS_PORT", Integer.toString(ports.port(3)));
        env.put("LACKEY_ECS_PORT", Integer.toString(ports.port(4)));
        return env;
    }

    /**
     * The commands' environment: a tool that talks to the API by default (the CLI's http://127.0.0.1:8000) finds it
     * through LACKEY_API, as a reader's finds the local cloud on its default port.
     */
    private static Map<String, String> withApiDefault(Map<String, String> environment, int apiPort) {
        Map<String, String> shell = new LinkedHashMap<>(environment);
        shell.put("LACKEY_API", "http://127.0.0.1:" + apiPort);
        return shell;
    }

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            // symbolic links are deleted, never followed
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Five free ports standing for the docs' 8000-8004. */
    record Ports(List<Integer> ports) {

        static Ports free() throws IOException {
            List<ServerSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    sockets.add(new ServerSocket(0));
                }
                return new Ports(sockets.stream().map(ServerSocket::getLocalPort).toList());
            } finally {
                for (ServerSocket socket : sockets) {
                    socket.close();
                }
            }
        }

        int port(int index) {
            return ports.get(index);
        }

        /** The same ports, but the API's as {@code apiPort}: where the docs' commands are sent. */
        Ports withApi(int apiPort) {
            List<Integer> changed = new ArrayList<>(ports);
            changed.set(0, apiPort);
            return new Ports(List.copyOf(changed));
        }

        String rewrite(String text) {
            Matcher matcher = LOCAL_PORT.matcher(text);
            return matcher.replaceAll(m -> m.group(1) + ":" + ports.get(Integer.parseInt(m.group(2))));
        }
    }

    /** The local cloud as a reader runs it: {@code ./lackey local} in the workspace, restarted when the doc does so. */
    private static final class LauncherCloud implements AutoCloseable {
        private final Path workspace;
        private final Map<String, String> environment;
        private final Ports ports;
        private Process process;

        LauncherCloud(Path workspace, Map<String, String> environment, Ports ports) {
            this.workspace = workspace;
            this.environment = environment;
            this.ports = ports;
        }

        void ensureStarted() throws Exception {
            if (process == null) {
                start("./lackey local");
            }
        }

        /** Starts the command line (as the doc gives it), stopping a running local cloud first as Ctrl-C would. */
        void start(String commandLine) throws Exception {
            stop();
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + commandLine).directory(workspace.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workspace.resolve("lackey-local.log").toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            Instant deadline = Instant.now().plusSeconds(120);
            URI probe = URI.create("http://127.0.0.1:" + ports.port(0) + "/api/runs?limit=1");
            while (true) {
                if (!process.isAlive()) {
                    fail("`" + commandLine + "` ended with " + process.exitValue() + ":\n"
                            + Files.readString(workspace.resolve("lackey-local.log")));
                }
                try {
                    var answer = HTTP.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    // 403: up, in IAM mode (./lackey local --iam), where an unsigned listing is refused
                    assertTrue(answer.statusCode() == 200 || answer.statusCode() == 403, answer.body());
                    return;
                } catch (IOException notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        fail("`" + commandLine + "` did not answer within 120 s:\n"
                                + Files.readString(workspace.resolve("lackey-local.log")));
                    }
                    Thread.sleep(200);
                }
            }
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                assertFalse(process.isAlive());
                process = null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
