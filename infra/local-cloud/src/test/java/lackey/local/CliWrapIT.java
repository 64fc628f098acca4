package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lackey wrap} end to end: a real command wrapped by the real CLI (through the launcher) reports its run to a
 * local cloud: success, failure, SIGTERM and SIGINT, a log over the inline limit, outputs, a dispatched container's
 * run, and an API that is away at first or for good.
 */
class CliWrapIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRACKED = Pattern.compile("lackey wrap: tracking the command as run (\\d+) at ");

    @TempDir
    static Path scratch;

    private static LackeyCli lackey;

    @BeforeAll
    static void cli() {
        lackey = new LackeyCli(LOCAL.cloud().apiUrl().toString(), scratch);
    }

    private static long runOf(String err) {
        Matcher matcher = TRACKED.matcher(err);
        assertTrue(matcher.find(), err);
        return Long.parseLong(matcher.group(1));
    }

    private static JsonNode run(long id) throws Exception {
        return JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
    }

    private static String log(long id) throws Exception {
        var redirect = LOCAL.call("GET", "/api/run/" + id + "/log", null);
        assertEquals(302, redirect.statusCode(), redirect.body());
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(redirect.headers().firstValue("location").orElseThrow())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aCommandThatSucceedsIsTeedReportedWithHeartbeatsAndFinishes() throws Exception {
        LackeyCli.Result wrapped = lackey.run("wrap", "--name", "wrapped-ok", "--heartbeat", "500ms", "-t", "wrap-test", "-p", "seed=7",
                "--", "sh", "-c", "echo out-line; echo err-line >&2; sleep 2");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals("out-line\n", wrapped.out(), "the command's output, unchanged, on stdout");
        assertTrue(wrapped.err().contains("err-line\n"), wrapped.err());
        long id = runOf(wrapped.err());
        assertTrue(wrapped.err().endsWith("lackey wrap: run " + id + " FINISHED, exit 0\n"), wrapped.err());

        JsonNode run = run(id);
        assertEquals("FINISHED", run.get("status").asText());
        assertEquals(0, run.get("exitCode").asInt());
        assertFalse(run.path("dispatch").asBoolean(), "a tracked run: wrap runs it, nothing is dispatched");
        assertEquals("[\"wrap-test\"]", run.get("tags").toString());
        assertEquals("{\"seed\":7}", run.get("params").toString());
        assertTrue(run.has("heartbeat"), "heartbeats went out while it ran: " + run);
        assertTrue(run.get("duration").asLong() >= 1, run.toString());
        String log = log(id);
        assertTrue(log.contains("out-line\n") && log.contains("err-line\n"), log);
    }

    @Test
    void aFailingCommandStopsTheRunFailedWithItsExitStatus() throws Exception {
        LackeyCli.Result wrapped = lackey.run("wrap", "--", "sh", "-c", "echo diverged; exit 3");
        assertEquals(3, wrapped.exitCode(), wrapped.toString());
        JsonNode run = run(runOf(wrapped.err()));
        assertEquals("FAILED", run.get("status").asText());
        assertEquals(3, run.get("exitCode").asInt());
        assertEquals("sh", run.get("name").asText(), "named after the command");
    }

    @Test
    void aCommandThatCannotStartIsExit127AndAFailedRun() throws Exception {
        LackeyCli.Result wrapped = lackey.run("wrap", "--", "no-such-command-here");
        assertEquals(127, wrapped.exitCode(), wrapped.toString());
        assertTrue(wrapped.err().contains("lackey wrap: cannot run no-such-command-here: No such file or directory"), wrapped.err());
        long id = runOf(wrapped.err());
        assertEquals(127, run(id).get("exitCode").asInt());
        assertTrue(log(id).contains("cannot run no-such-command-here"));
    }

    @Test
    void sigtermIsPassedToTheCommandAndTheRunStillStopsFailedWithTheSignal() throws Exception {
        signalled("TERM", 143);
    }

    @Test
    void sigintIsPassedToTheCommandAndTheRunStillStopsFailedWithTheSignal() throws Exception {
        signalled("INT", 130);
    }

    private void signalled(String signal, int status) throws Exception {
        Process wrap = lackey.start(Map.of(), "wrap", "--name", "signalled-" + signal, "--", "sh", "-c",
                "echo ready; exec sleep 60");
        BufferedReader out = new BufferedReader(new InputStreamReader(wrap.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(wrap.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        assertEquals("ready", out.readLine());
        // the launcher execs the JVM, so the process the test started is the one a user's kill reaches
        long id = 0;
        for (int i = 0; i < 100 && id == 0; i++) {
            JsonNode runs = JSON.readTree(LOCAL.call("GET", "/api/runs?name=signalled-" + signal + "&status=RUNNING", null).body());
            id = runs.path("runs").path(0).path("id").asLong();
            Thread.sleep(100);
        }
        assertTrue(id > 0, "the run is RUNNING before the signal");
        new ProcessBuilder("kill", "-" + signal, Long.toString(wrap.pid())).start().waitFor();
        assertTrue(wrap.waitFor(60, TimeUnit.SECONDS), "wrap ends after the signal");
        String errors = err.get(10, TimeUnit.SECONDS);
        assertEquals(status, wrap.exitValue(), errors);
        assertTrue(errors.contains("lackey wrap: received SIG" + signal + " and passed it to the command, which exited with " + status
                + "; the run stops FAILED with exit " + status), errors);
        JsonNode run = run(id);
        assertEquals("FAILED", run.get("status").asText());
        assertEquals(status, run.get("exitCode").asInt());
        assertTrue(log(id).contains("received SIG" + signal), "the log says which signal");
    }

    @Test
    void aLogOverTheInlineLimitGoesUpThroughTheUploadLink() throws Exception {
        // 1.3 million lines: 9,288,896 bytes, more than the API's 8 MiB inline limit
        LackeyCli.Result wrapped = lackey.run(Map.of(), Duration.ofMinutes(3), "wrap", "--", "seq", "1", "1300000");
        assertEquals(0, wrapped.exitCode(), wrapped.err());
        assertEquals(9_288_896, wrapped.out().length(), "teed to the terminal in full");
        long id = runOf(wrapped.err());
        JsonNode run = run(id);
        assertEquals("FINISHED", run.get("status").asText());
        assertEquals(9_288_896, run.at("/log/bytes").asLong());
        assertTrue(run.at("/log/location").asText().matches("s3://.*/logs/" + id + "/\\d+-[0-9a-f]{8}\\.log"),
                "an uploaded log's key: " + run.at("/log/location").asText());
        assertEquals(wrapped.out(), log(id));
    }

    @Test
    void theFilesInOutputsAreUploadedAndRecordedAsOutputs() throws Exception {
        Path outputs = Files.createDirectories(lackey.workDir().resolve("outputs"));
        Files.writeString(outputs.resolve("result.csv"), "x,y\n1,2\n");
        Files.writeString(outputs.resolve("summary.txt"), "converged\n");
        Files.createDirectories(outputs.resolve("plots"));
        LackeyCli.Result wrapped = lackey.run("wrap", "--outputs", outputs.toString(), "--", "true");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertTrue(wrapped.err().contains("skipping plots/"), wrapped.err());
        assertTrue(wrapped.err().contains("uploaded 2 outputs from " + outputs), wrapped.err());
        long id = runOf(wrapped.err());
        JsonNode run = run(id);
        for (int i = 0; i < 100 && run.path("outputCount").asInt() < 2; i++) {
            Thread.sleep(200); // the object events record them a moment after they land
            run = run(id);
        }
        assertEquals("[\"result.csv\",\"summary.txt\"]", run.get("outputs").toString(), run.toString());
        assertEquals(new LackeyCli.Result(0, "x,y\n1,2\n", ""), lackey.run("files", "get", Long.toString(id), "result.csv", "-o", "-"));
    }

    @Test
    void inADispatchedContainerItReportsAsTheContainersRun() throws Exception {
        LackeyCli.Result scheduled = lackey.run("schedule", "container-run");
        Matcher matcher = Pattern.compile("run (\\d+) SCHEDULED, tracked\ntoken (\\S+)\n").matcher(scheduled.out());
        assertTrue(matcher.matches(), scheduled.toString());
        long id = Long.parseLong(matcher.group(1));
        LackeyCli.Result wrapped = lackey.run(Map.of("LACKEY_RUN_ID", Long.toString(id), "LACKEY_RUN_TOKEN", matcher.group(2)),
                Duration.ofSeconds(60), "wrap", "--", "sh", "-c", "echo inside");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals("lackey wrap: run " + id + " FINISHED, exit 0\n", wrapped.err(), "no new run is scheduled");
        assertEquals("FINISHED", run(id).get("status").asText());
        assertEquals("inside\n", log(id));
    }

    @Test
    void anApiAwayAtFirstNeverHoldsTheCommandUpAndTheStopLandsWhenItIsBack() throws Exception {
        try (TcpForwarder api = new TcpForwarder(LOCAL.cloud().apiUrl())) {
            Instant begin = Instant.now();
            Process wrap = lackey.start(Map.of("LACKEY_API", api.url()), "wrap", "--name", "away-at-first", "--", "sh", "-c",
                    "echo started; sleep 4; echo done");
            BufferedReader out = new BufferedReader(new InputStreamReader(wrap.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(wrap.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertEquals("started", out.readLine());
            assertTrue(Duration.between(begin, Instant.now()).toSeconds() < 4, "the command started before the API answered");
            Thread.sleep(1500);
            api.open();
            assertEquals("done", out.readLine());
            assertTrue(wrap.waitFor(90, TimeUnit.SECONDS));
            String errors = err.get(10, TimeUnit.SECONDS);
            assertEquals(0, wrap.exitValue(), errors);
            assertTrue(errors.contains("lackey wrap: cannot schedule the run yet (cannot reach the API at " + api.url()
                    + ": connection refused); retrying in the background, the command goes on"), errors);
            assertTrue(errors.contains("lackey wrap: reached the API again"), errors);
            long id = runOf(errors);
            JsonNode run = run(id);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertTrue(run.get("started").asLong() <= begin.getEpochSecond() + 2, "started is when the command started: " + run);
            assertTrue(run.get("duration").asLong() >= 3, run.toString());
        }
    }

    @Test
    void anApiAwayForGoodIsReportedOnStderrAfterTheBoundedWait() throws Exception {
        try (TcpForwarder never = new TcpForwarder(LOCAL.cloud().apiUrl())) {
            Instant begin = Instant.now();
            LackeyCli.Result wrapped = lackey.run(Map.of("LACKEY_API", never.url()), Duration.ofSeconds(60),
                    "wrap", "--report-timeout", "3s", "--", "sh", "-c", "echo still-ran; exit 4");
            Duration took = Duration.between(begin, Instant.now());
            assertEquals(4, wrapped.exitCode(), wrapped.toString());
            assertEquals("still-ran\n", wrapped.out());
            assertTrue(wrapped.err().contains("lackey wrap: gave up: could not schedule the run, report the start, report the stop"
                    + " within the wait after the command ended (cannot reach the API at " + never.url()
                    + ": connection refused); the run was never scheduled"), wrapped.err());
            assertTrue(took.toSeconds() < 30, "bounded: " + took);
        }
    }
}
