package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curl-only wrapper end to end against a real local cloud: through the wrapped dispatch rule (a run scheduled with
 * {@code wrap=true}, whose command the local ECS runs as {@code sh -c 'eval "$LACKEY_WRAP"' lackey-wrap -- sh -c
 * COMMAND} with the task definition's environment, as ECS would), and run directly ({@code LACKEY_API=… sh
 * infra/wrap/lackey-wrap.sh -- COMMAND…}): a command that succeeds (its output is the log, byte for byte), fails,
 * is killed, is cancelled, writes outputs, or writes a log over the inline limit; the wrapper getting SIGTERM; and an
 * API that is away at first.
 */
class CurlWrapperIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern TRACKED = Pattern.compile("lackey-wrap: tracking the command as run (\\d+) at ");
    private static final Set<String> ENDED = Set.of("FINISHED", "FAILED", "CANCELLED", "LOST");
    /** What the 1.3 million lines of {@code seq 1 1300000} add up to: more than the API's inline limit of 8 MiB. */
    private static final int BIG_LOG = 9_288_896;

    @TempDir
    static Path scratch;

    static JsonNode run(long id) throws Exception {
        return JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
    }

    static JsonNode awaitEnd(long id, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode run = run(id);
        while (!ENDED.contains(run.path("status").asText()) && System.nanoTime() < end) {
            Thread.sleep(200);
            run = run(id);
        }
        return run;
    }

    static JsonNode awaitRunning(long id) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode run = run(id);
        while (!run.path("status").asText().equals("RUNNING") && System.nanoTime() < end) {
            Thread.sleep(100);
            run = run(id);
        }
        assertEquals("RUNNING", run.path("status").asText(), run.toString());
        return run;
    }

    static byte[] log(long id) throws Exception {
        var redirect = LOCAL.call("GET", "/api/run/" + id + "/log", null);
        assertEquals(302, redirect.statusCode(), redirect.body());
        return HTTP.send(HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("location").orElseThrow())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    static JsonNode awaitOutputs(long id, int count) throws Exception {
        JsonNode run = run(id);
        for (int i = 0; i < 100 && run.path("outputCount").asInt() < count; i++) {
            Thread.sleep(200); // the bucket's object events record them a moment after they land
            run = run(id);
        }
        return run;
    }

    static String output(long id, String name) throws Exception {
        JsonNode files = JSON.readTree(LOCAL.call("GET", "/api/run/" + id + "/files", null).body());
        for (JsonNode output : files.path("outputs")) {
            if (output.path("name").asText().equals(name)) {
                return HTTP.send(HttpRequest.newBuilder(URI.create(output.path("url").asText())).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
        }
        throw new AssertionError("no output " + name + " in " + files);
    }

    /** Waits until the process whose pid the command wrote into {@code pidFile} is gone. */
    static void awaitGone(Path pidFile, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(pidFile) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the command (process " + pid + ") is stopped");
    }

    // ------------------------------------------------------------------ through the wrapped dispatch rule

    /** A run scheduled with wrap=true: the local ECS runs its command under the wrapper from the task definition. */
    private long schedule(String name, String command) throws Exception {
        var scheduled = LOCAL.call("POST", "/api/run", "name=" + name + "&wrap=true&command="
                + URLEncoder.encode(command, StandardCharsets.UTF_8));
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        JsonNode run = JSON.readTree(scheduled.body());
        assertTrue(run.path("wrap").asBoolean() && run.path("dispatch").asBoolean(), run.toString());
        return run.path("id").asLong();
    }

    @Test
    void wrappedCommandThatSucceedsFinishesWithItsOutputAsTheLogByteForByte() throws Exception {
        long id = schedule("wrapped-ok", "printf 'line one\\n\\tindented, \"quoted\" & 100%%\\n'; printf 'no newline at the end'");
        JsonNode run = awaitEnd(id, Duration.ofSeconds(60));
        assertEquals("FINISHED", run.path("status").asText(), run + "\n" + LOCAL.output(id));
        assertEquals(0, run.path("exitCode").asInt());
        assertTrue(run.path("taskArn").asText().startsWith("arn:aws:ecs:"), "the start named the task: " + run);
        assertEquals("line one\n\tindented, \"quoted\" & 100%\nno newline at the end", new String(log(id), StandardCharsets.UTF_8));
        assertTrue(LOCAL.output(id).endsWith("lackey-wrap: run " + id + " FINISHED, exit 0\n"), LOCAL.output(id));
    }

    @Test
    void wrappedCommandThatFailsFailsWithItsExitStatus() throws Exception {
        long id = schedule("wrapped-fail", "echo diverged; exit 3");
        JsonNode run = awaitEnd(id, Duration.ofSeconds(60));
        assertEquals("FAILED", run.path("status").asText(), run.toString());
        assertEquals(3, run.path("exitCode").asInt());
        assertEquals("diverged\n", new String(log(id), StandardCharsets.UTF_8));
    }

    @Test
    void wrappedCommandKilledBySigkillFailsWith137() throws Exception {
        long id = schedule("wrapped-killed", "echo about to die; kill -KILL $$");
        JsonNode run = awaitEnd(id, Duration.ofSeconds(60));
        assertEquals("FAILED", run.path("status").asText(), run.toString());
        assertEquals(137, run.path("exitCode").asInt());
    }

    @Test
    void wrappedCommandOfACancelledRunIsStopped() throws Exception {
        Path pid = scratch.resolve("wrapped-cancel.pid");
        long id = schedule("wrapped-cancel", "echo $$ > " + pid + "; exec sleep 300");
        assertTrue(awaitRunning(id).path("taskArn").isTextual(), "the start named the task that a cancel stops");
        var cancelled = LOCAL.call("PUT", "/api/run/cancel/" + id, "reason=enough");
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        awaitGone(pid, Duration.ofSeconds(30));
        assertEquals("CANCELLED", run(id).path("status").asText());
    }

    @Test
    void wrappedCommandsOutputsAreRecorded() throws Exception {
        long id = schedule("wrapped-outputs", "printf 'x,y\\n1,2\\n' > \"$LACKEY_OUTPUTS/result.csv\"; echo wrote");
        assertEquals("FINISHED", awaitEnd(id, Duration.ofSeconds(60)).path("status").asText());
        JsonNode run = awaitOutputs(id, 1);
        assertEquals("[\"result.csv\"]", run.path("outputs").toString(), run.toString());
        assertEquals("x,y\n1,2\n", output(id, "result.csv"));
    }

    @Test
    void wrappedCommandsLogOverTheInlineLimitGoesUpThroughTheUploadLink() throws Exception {
        long id = schedule("wrapped-big-log", "seq 1 1300000");
        JsonNode run = awaitEnd(id, Duration.ofSeconds(120));
        assertEquals("FINISHED", run.path("status").asText(), run.toString());
        assertEquals(BIG_LOG, run.at("/log/bytes").asLong());
        byte[] log = log(id);
        assertEquals(BIG_LOG, log.length);
        assertTrue(new String(log, StandardCharsets.US_ASCII).endsWith("1299999\n1300000\n"));
    }

    // ------------------------------------------------------------------ run directly

    /** {@code LACKEY_API=… sh infra/wrap/lackey-wrap.sh [options] -- COMMAND…}, where no container gave a run. */
    private CurlWrapper wrapper(String api) throws Exception {
        RequiredTool.require("curl", "apt-get install curl");
        return new CurlWrapper(List.of("sh"), Files.createDirectories(scratch.resolve("direct")), Map.of("LACKEY_API", api));
    }

    private CurlWrapper wrapper() throws Exception {
        return wrapper(LOCAL.cloud().apiUrl().toString());
    }

    private long runOf(String err) {
        Matcher matcher = TRACKED.matcher(err);
        assertTrue(matcher.find(), err);
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void directCommandThatSucceedsFinishesWithItsOutputAsTheLogByteForByteAndHeartbeats() throws Exception {
        CurlWrapper.Result wrapped = wrapper().run(Duration.ofSeconds(60), Map.of(), "--name", "direct-ok", "-p", "seed=7",
                "-t", "curl-wrap", "--heartbeat", "1s", "--", "sh", "-c", "printf 'caf\\303\\251\\n'; sleep 2; printf 'done\\n'");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals("café\ndone\n", wrapped.outText(), "teed to the terminal");
        long id = runOf(wrapped.err());
        assertTrue(wrapped.err().endsWith("lackey-wrap: run " + id + " FINISHED, exit 0\n"), wrapped.err());
        JsonNode run = run(id);
        assertEquals("FINISHED", run.path("status").asText());
        assertEquals("{\"seed\":7}", run.path("params").toString());
        assertEquals("[\"curl-wrap\"]", run.path("tags").toString());
        assertFalse(run.path("dispatch").asBoolean(), "a tracked run: the wrapper runs it");
        assertTrue(run.has("heartbeat"), "heartbeats went out while it ran: " + run);
        assertTrue(run.path("duration").asLong() >= 1, run.toString());
        assertEquals("café\ndone\n", new String(log(id), StandardCharsets.UTF_8));
    }

    @Test
    void directCommandWithoutOutputFinishesWithAnEmptyLog() throws Exception {
        CurlWrapper.Result wrapped = wrapper().run("--name", "direct-silent", "--", "true");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        long id = runOf(wrapped.err());
        assertTrue(wrapped.err().endsWith("lackey-wrap: run " + id + " FINISHED, exit 0\n"), wrapped.err());
        assertEquals("FINISHED", run(id).path("status").asText(), "the API took the stop with its empty log: " + run(id));
    }

    @Test
    void directCommandThatFailsFailsWithItsExitStatus() throws Exception {
        CurlWrapper.Result wrapped = wrapper().run("--", "sh", "-c", "echo diverged; exit 3");
        assertEquals(3, wrapped.exitCode(), wrapped.toString());
        JsonNode run = run(runOf(wrapped.err()));
        assertEquals("FAILED", run.path("status").asText());
        assertEquals(3, run.path("exitCode").asInt());
        assertEquals("sh", run.path("name").asText(), "named after the command");
    }

    @Test
    void directCommandKilledBySigkillFailsWith137() throws Exception {
        CurlWrapper.Result wrapped = wrapper().run("--", "sh", "-c", "echo about to die; kill -KILL $$");
        assertEquals(137, wrapped.exitCode(), wrapped.toString());
        JsonNode run = run(runOf(wrapped.err()));
        assertEquals("FAILED", run.path("status").asText());
        assertEquals(137, run.path("exitCode").asInt());
    }

    @Test
    void directWrapperPassesSigtermToTheCommandAndTheRunFailsWith143() throws Exception {
        CurlWrapper.Started started = wrapper().start(Map.of(), "--name", "direct-term", "--", "sh", "-c", "echo ready; exec sleep 60");
        started.awaitStderr("tracking the command as run", Duration.ofSeconds(60));
        long id = runOf(started.stderrSoFar());
        awaitRunning(id);
        started.signal("TERM");
        CurlWrapper.Result wrapped = started.result(Duration.ofSeconds(60));
        assertEquals(143, wrapped.exitCode(), wrapped.toString());
        JsonNode run = run(id);
        assertEquals("FAILED", run.path("status").asText(), run.toString());
        assertEquals(143, run.path("exitCode").asInt());
        assertEquals("ready\nlackey-wrap: received SIGTERM and passed it to the command, which exited with 143; the run stops"
                + " FAILED with exit 143\n", new String(log(id), StandardCharsets.UTF_8), "the log names the signal");
    }

    @Test
    void directCommandOfACancelledRunIsStoppedThroughItsHeartbeats() throws Exception {
        Path pid = scratch.resolve("direct-cancel.pid");
        CurlWrapper.Started started = wrapper().start(Map.of(), "--name", "direct-cancel", "--heartbeat", "1s", "--",
                "sh", "-c", "echo $$ > " + pid + "; exec sleep 300");
        started.awaitStderr("tracking the command as run", Duration.ofSeconds(60));
        long id = runOf(started.stderrSoFar());
        awaitRunning(id);
        assertEquals(200, LOCAL.call("PUT", "/api/run/cancel/" + id, "reason=enough").statusCode());
        CurlWrapper.Result wrapped = started.result(Duration.ofSeconds(60));
        assertEquals(143, wrapped.exitCode(), wrapped.toString());
        assertTrue(wrapped.err().contains("lackey-wrap: run " + id + " was cancelled: stopping the command"), wrapped.err());
        awaitGone(pid, Duration.ofSeconds(5));
        assertEquals("CANCELLED", run(id).path("status").asText());
    }

    @Test
    void directOutputsFolderIsUploadedAndRecorded() throws Exception {
        Path outputs = Files.createDirectories(scratch.resolve("direct-outputs"));
        Files.writeString(outputs.resolve("summary.txt"), "converged\n");
        CurlWrapper.Result wrapped = wrapper().run("--outputs", outputs.toString(), "--",
                "sh", "-c", "printf 'x,y\\n1,2\\n' > \"$LACKEY_OUTPUTS/result.csv\"");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        long id = runOf(wrapped.err());
        JsonNode run = awaitOutputs(id, 2);
        assertEquals("[\"result.csv\",\"summary.txt\"]", run.path("outputs").toString(), run.toString());
        assertEquals("converged\n", output(id, "summary.txt"));
    }

    @Test
    void directLogOverTheInlineLimitGoesUpThroughTheUploadLink() throws Exception {
        CurlWrapper.Result wrapped = wrapper().run(Duration.ofMinutes(2), Map.of(), "--", "seq", "1", "1300000");
        assertEquals(0, wrapped.exitCode(), wrapped.err());
        assertEquals(BIG_LOG, wrapped.out().length, "teed to the terminal in full");
        long id = runOf(wrapped.err());
        JsonNode run = run(id);
        assertEquals("FINISHED", run.path("status").asText());
        assertEquals(BIG_LOG, run.at("/log/bytes").asLong());
        assertTrue(run.at("/log/location").asText().matches("s3://.*/logs/" + id + "/\\d+-[0-9a-f]{8}\\.log"),
                "an uploaded log's key: " + run.at("/log/location").asText());
        assertTrue(java.util.Arrays.equals(wrapped.out(), log(id)), "the log is the output, byte for byte");
    }

    @Test
    void directApiAwayAtFirstNeverHoldsTheCommandUpAndTheStopLandsWhenItIsBack() throws Exception {
        try (TcpForwarder api = new TcpForwarder(LOCAL.cloud().apiUrl())) {
            Instant begin = Instant.now();
            CurlWrapper.Started started = wrapper(api.url()).start(Map.of(), "--name", "direct-away", "--",
                    "sh", "-c", "echo started; sleep 4; echo done");
            started.awaitStderr("cannot schedule the run yet", Duration.ofSeconds(30));
            Thread.sleep(1500);
            api.open();
            CurlWrapper.Result wrapped = started.result(Duration.ofSeconds(90));
            assertEquals(0, wrapped.exitCode(), wrapped.toString());
            assertEquals("started\ndone\n", wrapped.outText());
            assertTrue(wrapped.err().contains("lackey-wrap: cannot schedule the run yet (Failed to connect to 127.0.0.1 port "),
                    wrapped.err());
            assertTrue(wrapped.err().contains("retrying in the background, the command goes on"), wrapped.err());
            assertTrue(wrapped.err().contains("lackey-wrap: reached the API again"), wrapped.err());
            long id = runOf(wrapped.err());
            JsonNode run = run(id);
            assertEquals("FINISHED", run.path("status").asText(), run.toString());
            assertTrue(run.path("started").asLong() <= begin.getEpochSecond() + 2, "started is when the command started: " + run);
            assertTrue(run.path("duration").asLong() >= 3, run.toString());
            assertEquals("started\ndone\n", new String(log(id), StandardCharsets.UTF_8));
        }
    }

    @Test
    void directApiAwayForGoodIsReportedOnStderrAfterTheBoundedWait() throws Exception {
        try (TcpForwarder never = new TcpForwarder(LOCAL.cloud().apiUrl())) {
            Instant begin = Instant.now();
            CurlWrapper.Result wrapped = wrapper(never.url()).run(Duration.ofSeconds(60), Map.of(),
                    "--report-timeout", "3s", "--", "sh", "-c", "echo still-ran; exit 4");
            assertEquals(4, wrapped.exitCode(), wrapped.toString());
            assertEquals("still-ran\n", wrapped.outText());
            assertTrue(wrapped.err().contains("lackey-wrap: gave up: could not schedule the run, report the start, report the stop"
                    + " within 3 s after the command ended (Failed to connect to 127.0.0.1 port "), wrapped.err());
            assertTrue(wrapped.err().endsWith("; the run was never scheduled\n"), wrapped.err());
            assertTrue(Duration.between(begin, Instant.now()).toSeconds() < 20, "bounded");
        }
    }
}
