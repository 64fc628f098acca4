package lackey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as parsed and answered in-process: options, signing rules, usage errors, help, exit codes. */
class CommandLineTest {

    @TempDir
    Path folder;

    /** What one command line printed and returned. */
    record Ran(int exitCode, String out, String err) {
    }

    private static Ran run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = Lackey.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintWriter(err, true));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static Lackey parsed(Map<String, String> env, String... args) {
        Lackey lackey = new Lackey(env, Clock.systemUTC(), ZoneOffset.UTC, new ByteArrayOutputStream());
        new CommandLine(lackey).parseArgs(args);
        return lackey;
    }

    @Test
    void globalOptionsMayComeBeforeOrAfterTheCommand() {
        assertEquals("http://a:1", parsed(Map.of(), "--api", "http://a:1", "ls").apiOption);
        assertEquals("http://b:2", parsed(Map.of(), "ls", "--api", "http://b:2").apiOption);
        Lackey nested = parsed(Map.of(), "files", "get", "5", "x.txt", "--profile", "dev", "--region", "eu-west-1");
        assertEquals("dev", nested.profile);
        assertEquals("eu-west-1", nested.region);
    }

    @Test
    void callsAreSignedForStacksProfilesAndApisNotOnThisMachine() {
        URI local = URI.create("http://127.0.0.1:8000");
        URI deployed = URI.create("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com");
        assertFalse(parsed(Map.of(), "ls").signs(local), "the local cloud needs no signature");
        assertTrue(parsed(Map.of(), "ls").signs(deployed));
        assertTrue(parsed(Map.of(), "--profile", "dev", "ls").signs(local));
        assertTrue(parsed(Map.of(), "--stack", "prod", "ls").signs(local));
        assertTrue(parsed(Map.of(), "--sign", "ls").signs(local));
        assertFalse(parsed(Map.of(), "--no-sign", "ls").signs(deployed));
        assertTrue(parsed(Map.of("LACKEY_SIGN", "always"), "ls").signs(local), "what local.env sets in IAM mode");
        assertFalse(parsed(Map.of("LACKEY_SIGN", "never"), "ls").signs(deployed));
        assertFalse(parsed(Map.of("LACKEY_SIGN", "always"), "--no-sign", "ls").signs(local), "the option wins");
    }

    @Test
    void theApiComesFromTheOptionElseLackeyApiElseTheLocalCloud() {
        assertEquals(URI.create("http://127.0.0.1:8000"), Lackey.baseUrl(null));
        assertEquals(URI.create("http://127.0.0.1:8150"), Lackey.baseUrl("http://127.0.0.1:8150/"));
        Ran notUrl = run(Map.of(), "--api", "127.0.0.1:8000", "ls");
        assertEquals(ExitCode.USAGE, notUrl.exitCode());
        assertEquals("lackey: the API URL '127.0.0.1:8000' is not a URL\n"
                + "  give it as http(s)://host[:port], e.g. http://127.0.0.1:8000\n", notUrl.err());
        assertEquals(ExitCode.USAGE, run(Map.of(), "--api", "http://x", "--stack", "y", "ls").exitCode());
    }

    @Test
    void theRegionToSignWithComesFromTheApisHostName() {
        AwsAccess aws = new AwsAccess(null, null);
        assertEquals("eu-west-1", aws.regionFor(URI.create("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")));
        assertEquals("cn-north-1", aws.regionFor(URI.create("https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn")));
        assertEquals("us-west-2", new AwsAccess(null, "us-west-2").regionFor(URI.create("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")),
                "--region wins");
    }

    @Test
    void badCommandLinesAreUsageErrorsThatSayWhatToDo() {
        Ran id = run(Map.of(), "show", "abc");
        assertEquals(ExitCode.USAGE, id.exitCode());
        assertEquals("lackey: 'abc' is not a run id\n  run ids are positive integers; `lackey ls` lists them\n", id.err());
        Ran option = run(Map.of(), "ls", "--bogus");
        assertEquals(ExitCode.USAGE, option.exitCode());
        assertEquals("lackey: Unknown option: '--bogus'\n  see `lackey ls --help`\n", option.err());
        assertEquals(ExitCode.USAGE, run(Map.of(), "frobnicate").exitCode());
        assertEquals(ExitCode.USAGE, run(Map.of(), "ls", "--limit", "0").exitCode());
        assertEquals(ExitCode.USAGE, run(Map.of(), "sweep", "x", "--grid", "a=1", "--csv", "f.csv").exitCode(), "one source only");
        assertEquals(ExitCode.USAGE, run(Map.of(), "schedule", "x", "--input", folder.resolve("missing.txt").toString()).exitCode());
        assertEquals(ExitCode.USAGE, run(Map.of(), "completion", "fish").exitCode());
        assertEquals(ExitCode.USAGE, run(Map.of("LACKEY_SIGN", "sometimes"), "ls").exitCode());
    }

    @Test
    void anApiNobodyAnswersIsExitThreeWithTheFix() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Ran ran = run(Map.of(), "--api", "http://127.0.0.1:" + port, "ls");
        assertEquals(ExitCode.UNREACHABLE, ran.exitCode());
        assertEquals("lackey: cannot reach the API at http://127.0.0.1:" + port + ": connection refused\n"
                + "  start the local cloud with `./lackey local`, or point --api, LACKEY_API or --stack at a deployed API\n", ran.err());
        assertEquals("", ran.out());
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String command : List.of("ls", "show", "logs", "cancel", "files", "schedule", "sweep", "wrap", "ui", "completion")) {
            Ran help = run(Map.of(), command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: lackey " + command), help.out());
            assertTrue(help.out().contains("Examples:"), command + " has examples");
            assertTrue(help.out().contains("--api=URL"), command + " shows the global options");
        }
        Ran top = run(Map.of(), "--help");
        assertTrue(top.out().contains("Exit codes: 0 ok"), top.out());
        assertEquals(0, run(Map.of()).exitCode(), "no command shows the help");
    }

    @Test
    void completionScriptsCompleteTheCommands() {
        Ran bash = run(Map.of(), "completion", "bash");
        assertEquals(0, bash.exitCode());
        assertTrue(bash.out().contains("_complete_lackey"), "picocli's bash function");
        assertTrue(bash.out().contains("schedule") && bash.out().contains("sweep"));
        Ran zsh = run(Map.of(), "completion", "zsh");
        assertTrue(zsh.out().startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"));
        assertTrue(zsh.out().endsWith(bash.out()), "zsh runs the bash script through bashcompinit");
    }

    @Test
    void aLogFitsInlineWhenItIsSmallTextAndGoesUpOtherwise() throws IOException {
        Path small = folder.resolve("small.log");
        Files.writeString(small, "step 1\nstep 2: diverged\n");
        assertEquals("step 1\nstep 2: diverged\n", RunReporter.inlineLog(small));
        Path big = folder.resolve("big.log");
        Files.write(big, new byte[(int) RunReporter.INLINE_LOG_LIMIT + 1]);
        assertNull(RunReporter.inlineLog(big), "over the API's 8 MiB");
        Path binary = folder.resolve("binary.log");
        Files.write(binary, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe});
        assertNull(RunReporter.inlineLog(binary), "bytes that are not UTF-8 go up unchanged");
        Path spaces = folder.resolve("spaces.log");
        Files.writeString(spaces, "\n".repeat(2_000_000));
        assertNull(RunReporter.inlineLog(spaces), "2 MB of newlines are 6 MB form-encoded: more than Lambda takes");
    }

    @Test
    void theProgressBarFillsInProportion() {
        assertEquals("sweep big [###############...............] 12,500/25,000", ProgressBar.line("sweep big", 12_500, 25_000));
        assertEquals("sweep big [##############################] 25,000/25,000", ProgressBar.line("sweep big", 25_000, 25_000));
    }
}
