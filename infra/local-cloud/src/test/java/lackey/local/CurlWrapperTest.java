package lackey.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import lackey.local.FakeRunApi.Answer;
import lackey.local.FakeRunApi.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The curl-only wrapper's own rules, shell by shell (dash, Debian's sh, and busybox sh, as in a busybox image),
 * against a tiny fake API that records every request and answers as told: which calls it makes and in what order,
 * that a retried call is the very same request, that a schedule that may have reached the API is never sent twice,
 * that a cancelled run stops the command, signals, signing. The end-to-end behaviour against the real local cloud
 * is {@link CurlWrapperIT}'s.
 */
class CurlWrapperTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private FakeRunApi api;

    @BeforeEach
    void startApi() {
        RequiredTool.require("curl", "apt-get install curl");
        api = new FakeRunApi();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private CurlWrapper under(String shell) {
        RequiredTool.require(shell, "apt-get install " + shell);
        return new CurlWrapper(shell.equals("busybox") ? List.of("busybox", "sh") : List.of(shell), work,
                Map.of("LACKEY_API", api.url()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void schedulesStartsBeatsAndStopsWithTheOutputAsTheLogAndTheExitStatus(String shell) {
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--name", "mesh", "-p", "lr=0.01", "-p", "mesh=fine",
                "-p", "on=true", "-t", "demo", "-t", "gpu", "--heartbeat", "1s", "--",
                "sh", "-c", "echo out-line; sleep 2.5; echo err-line >&2; exit 3");
        assertEquals(3, wrapped.exitCode(), wrapped.toString());
        assertEquals("out-line\n", wrapped.outText());
        assertTrue(wrapped.err().contains("err-line\n"), wrapped.err());
        assertTrue(wrapped.err().endsWith("lackey-wrap: run 7 FAILED, exit 3\n"), wrapped.err());

        List<String> routes = api.routes();
        assertEquals(List.of("POST /api/run", "PUT /api/run/start"), routes.subList(0, 2), routes.toString());
        assertEquals("PUT /api/run/stop", routes.getLast(), routes.toString());
        assertTrue(routes.stream().filter(r -> r.equals("PUT /api/run/heartbeat")).count() >= 1, routes.toString());

        Call schedule = api.calls("POST /api/run").getFirst();
        assertEquals("mesh", schedule.field("name"));
        assertEquals("{\"lr\":0.01,\"mesh\":\"fine\",\"on\":true}", schedule.field("params"));
        assertTrue(schedule.text().contains("tags=demo") && schedule.text().contains("tags=gpu"), schedule.text());
        assertNull(schedule.header("Authorization"), "the local API is called unsigned");
        Call start = api.calls("PUT /api/run/start/7").getFirst();
        assertEquals(FakeRunApi.TOKEN, start.field("token"));
        long ts = Long.parseLong(start.field("ts"));
        assertTrue(Math.abs(ts - Instant.now().getEpochSecond()) < 30, "unix seconds: " + ts);
        assertNull(start.field("task"), "no task outside ECS");
        Call stop = api.calls("PUT /api/run/stop/7").getFirst();
        assertEquals("3", stop.field("exit"));
        assertEquals("out-line\nerr-line\n", stop.field("log"), "the log goes inline, in the order the output came");
        assertTrue(Long.parseLong(stop.field("ts")) >= ts + 2, "the stop's ts is when the command ended");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aCommandWithoutOutputStopsWithAnEmptyLogFieldNotAnEmptyPair(String shell) {
        CurlWrapper.Result wrapped = under(shell).run("--heartbeat", "0", "--", "true");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        Call stop = api.calls("PUT /api/run/stop/7").getFirst();
        assertEquals("", stop.field("log"), stop.text());
        assertFalse(stop.text().contains("&&") || stop.text().startsWith("&") || stop.text().endsWith("&"),
                "the API refuses a form with an empty pair: " + stop.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aRetryIsTheVerySameRequest(String shell) {
        api.answer("PUT /api/run/start/", new Answer(503, "{\"message\":\"Service Unavailable\"}"), new Answer(502, ""))
                .answer("PUT /api/run/stop/", new Answer(500, "{\"error\":\"internal_error\",\"message\":\"a bug\"}"),
                        new Answer(429, "{\"message\":\"Too Many Requests\"}"));
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--heartbeat", "0", "--", "sh", "-c", "sleep 1; echo done");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        List<Call> starts = api.calls("PUT /api/run/start/7");
        List<Call> stops = api.calls("PUT /api/run/stop/7");
        assertEquals(3, starts.size(), api.routes().toString());
        assertEquals(3, stops.size(), api.routes().toString());
        starts.forEach(start -> assertArrayEquals(starts.getFirst().body(), start.body(), "the same start: " + start.text()));
        stops.forEach(stop -> assertArrayEquals(stops.getFirst().body(), stop.body(), "the same stop: " + stop.text()));
        assertTrue(wrapped.err().endsWith("lackey-wrap: run 7 FINISHED, exit 0\n"), wrapped.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aScheduleThatMayHaveReachedTheApiIsNeverSentAgainAndTheCommandRunsAllTheSame(String shell) {
        api.answer("POST /api/run", Answer.HANG_UP);
        CurlWrapper.Result wrapped = under(shell).run("--", "sh", "-c", "echo still-ran; exit 4");
        assertEquals(4, wrapped.exitCode(), wrapped.toString());
        assertEquals("still-ran\n", wrapped.outText());
        assertEquals(List.of("POST /api/run"), api.routes(), "one schedule, and nothing after it");
        assertTrue(wrapped.err().contains("lackey-wrap: could not schedule the run: it may have reached the API, whose answer"
                + " did not come back (Empty reply from server); it is not sent again, so as not to schedule two runs"), wrapped.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aScheduleThrottledAtTheDoorIsSentAgain(String shell) {
        api.answer("POST /api/run", new Answer(429, "{\"message\":\"Too Many Requests\"}"));
        CurlWrapper.Result wrapped = under(shell).run("--heartbeat", "0", "--", "true");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals(List.of("POST /api/run", "POST /api/run", "PUT /api/run/start", "PUT /api/run/stop"), api.routes());
        assertTrue(wrapped.err().contains("cannot schedule the run yet (HTTP 429: Too Many Requests)"), wrapped.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aHeartbeatSayingTheRunWasCancelledStopsTheCommandAndNoStopIsSent(String shell) throws Exception {
        api.answer("PUT /api/run/heartbeat/", new Answer(409,
                "{\"error\":\"wrong_state\",\"message\":\"run 7 is CANCELLED, so it cannot send a heartbeat\"}"));
        Instant begin = Instant.now();
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--heartbeat", "1", "--",
                "sh", "-c", "trap 'echo got-term; exit 5' TERM; echo ready; sleep 60 & wait");
        assertTrue(Duration.between(begin, Instant.now()).toSeconds() < 20, "stopped, not run to its end");
        assertEquals(5, wrapped.exitCode(), wrapped.toString());
        assertEquals("ready\ngot-term\n", wrapped.outText());
        assertTrue(wrapped.err().contains("lackey-wrap: run 7 was cancelled: stopping the command (SIGTERM, then SIGKILL after 10 s)"),
                wrapped.err());
        assertTrue(wrapped.err().contains("run 7 was cancelled, so its stop is not recorded; the command exited with 5"), wrapped.err());
        assertFalse(api.routes().contains("PUT /api/run/stop"), api.routes().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aHeartbeatRefusedForALostRunEndsTheHeartbeatsButTheLateStopStillGoesOut(String shell) {
        api.answer("PUT /api/run/heartbeat/", new Answer(409,
                "{\"error\":\"wrong_state\",\"message\":\"run 7 is LOST, so it cannot send a heartbeat\"}"));
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--heartbeat", "1", "--", "sh", "-c", "sleep 3.5; echo done");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals("done\n", wrapped.outText(), "the command ran to its end");
        assertEquals(1, api.calls("PUT /api/run/heartbeat/7").size(), "no heartbeat after the refused one: " + api.routes());
        assertTrue(wrapped.err().contains("lackey-wrap: the API refused to send a heartbeat: run 7 is LOST, so it cannot send a"
                + " heartbeat (HTTP 409)"), wrapped.err());
        assertEquals("PUT /api/run/stop", api.routes().getLast(), "the late stop of a LOST run is still taken: " + api.routes());
        assertTrue(wrapped.err().endsWith("lackey-wrap: run 7 FINISHED, exit 0\n"), wrapped.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aTokenRefusedByAHeartbeatStopsACommandThatIgnoresSigtermWithSigkill(String shell) {
        api.answer("PUT /api/run/heartbeat/", new Answer(403, "{\"error\":\"wrong_token\",\"message\":\"this token is not run 7's\"}"));
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--heartbeat", "1", "--kill-after", "1", "--",
                "sh", "-c", "trap '' TERM; echo ready; sleep 60");
        assertEquals(137, wrapped.exitCode(), wrapped.toString());
        assertTrue(wrapped.err().contains("lackey-wrap: the API refused to send a heartbeat with the run's token (this token is not"
                + " run 7's, HTTP 403): stopping the command (SIGTERM, then SIGKILL after 1 s)"), wrapped.err());
        assertFalse(api.routes().contains("PUT /api/run/stop"), api.routes().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void inADispatchedContainerItReportsAsTheContainersRunWithItsTask(String shell) {
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of("LACKEY_RUN_ID", "7", "LACKEY_RUN_TOKEN", FakeRunApi.TOKEN,
                "ECS_CONTAINER_METADATA_URI_V4", api.url() + "/v4/abc"), "--heartbeat", "0", "--", "echo", "inside");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals("lackey-wrap: run 7 FINISHED, exit 0\n", wrapped.err(), "nothing scheduled");
        assertEquals(List.of("GET /v4/abc/task", "PUT /api/run/start", "PUT /api/run/stop"), api.routes());
        assertEquals("arn:aws:ecs:us-east-1:000000000000:task/lackey-simulation/abc",
                api.calls("PUT /api/run/start/7").getFirst().field("task"), "the start names the task, so a cancel can stop it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aLogThatIsNotPlainAsciiGoesUpByteForByteThroughAnUploadLink(String shell) {
        CurlWrapper.Result wrapped = under(shell).run("--heartbeat", "0", "--", "printf", "caf\\303\\251 \\377\\376 \\033[1mbold\\n");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        byte[] bytes = {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, ' ', (byte) 0xff, (byte) 0xfe, ' ', 0x1b, '[', '1', 'm',
                'b', 'o', 'l', 'd', '\n'};
        assertArrayEquals(bytes, wrapped.out());
        assertEquals(List.of("POST /api/run", "PUT /api/run/start", "POST /api/run/log-upload", "PUT /upload", "PUT /api/run/stop"),
                api.routes());
        assertArrayEquals(bytes, api.uploads().get("logs/7/1.log"));
        Call stop = api.calls("PUT /api/run/stop/7").getFirst();
        assertEquals("logs/7/1.log", stop.field("logUpload"));
        assertNull(stop.field("log"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void theFilesOfTheOutputsFolderGoUpOneByOneBeforeTheStop(String shell) throws IOException {
        Path outputs = Files.createDirectories(work.resolve("out"));
        Files.writeString(outputs.resolve("result.csv"), "x,y\n1,2\n");
        Files.createDirectories(outputs.resolve("plots"));
        CurlWrapper.Result wrapped = under(shell).run(LONG, Map.of(), "--heartbeat", "0", "--outputs", "out", "--",
                "sh", "-c", "echo \"$LACKEY_OUTPUTS\"; printf 'a \"quoted\", name' > \"$LACKEY_OUTPUTS/a \\\"b\\\", c.txt\"");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        assertEquals(outputs.toRealPath() + "\n", wrapped.outText(), "the command is told where its outputs go");
        assertTrue(wrapped.err().contains("lackey-wrap: outputs are the files directly in " + outputs.toRealPath() + ": skipping plots/"),
                wrapped.err());
        assertTrue(wrapped.err().contains("lackey-wrap: uploaded 2 outputs from " + outputs.toRealPath()), wrapped.err());
        assertEquals(List.of("POST /api/run", "PUT /api/run/start", "POST /api/run/output-upload", "PUT /upload",
                "POST /api/run/output-upload", "PUT /upload", "PUT /api/run/stop"), api.routes());
        assertEquals("{\"token\":\"" + FakeRunApi.TOKEN + "\",\"names\":[\"a \\\"b\\\", c.txt\"]}",
                api.calls("POST /api/run/output-upload/7").getFirst().text(), "JSON, so that a name may hold a comma");
        Map<String, byte[]> uploads = api.uploads();
        assertEquals("a \"quoted\", name", new String(uploads.get("exchange/7/out/a \"b\", c.txt"),
                StandardCharsets.UTF_8), uploads.keySet().toString());
        assertEquals("x,y\n1,2\n", new String(uploads.get("exchange/7/out/result.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void withGnuEnvSigintReachesTheCommandAsSigint() throws Exception {
        CurlWrapper.Started wrapper = under("dash").start(Map.of(), "--heartbeat", "0", "--",
                "sh", "-c", "trap 'kill $!; echo got-int; exit 9' INT; echo ready; sleep 60 > /dev/null & wait");
        wrapper.awaitStderr("tracking the command as run 7", LONG);
        Thread.sleep(300);
        wrapper.signal("INT");
        CurlWrapper.Result wrapped = wrapper.result(LONG);
        assertEquals(9, wrapped.exitCode(), wrapped.toString());
        assertEquals("ready\ngot-int\n", wrapped.outText());
        assertTrue(wrapped.err().contains("lackey-wrap: received SIGINT and passed it to the command, which exited with 9;"
                + " the run stops FAILED with exit 9"), wrapped.err());
        assertEquals("9", api.calls("PUT /api/run/stop/7").getFirst().field("exit"));
    }

    @Test
    void inABusyboxImageSigintIsPassedOnAsSigtermWhichTheCommandCanReceive() throws Exception {
        RequiredTool.require("busybox", "apt-get install busybox");
        Path bin = CurlWrapper.busyboxOnly(work.resolve("busybox-bin"));
        CurlWrapper wrapper = new CurlWrapper(List.of(bin.resolve("sh").toString()), work,
                Map.of("LACKEY_API", api.url(), "PATH", bin.toString()));
        CurlWrapper.Started started = wrapper.start(Map.of(), "--heartbeat", "0", "--", "sh", "-c", "echo ready; exec sleep 60");
        started.awaitStderr("tracking the command as run 7", LONG);
        Thread.sleep(300);
        started.signal("INT");
        CurlWrapper.Result wrapped = started.result(LONG);
        assertEquals(143, wrapped.exitCode(), wrapped.toString());
        assertTrue(wrapped.err().contains("lackey-wrap: received SIGINT and passed it to the command as SIGTERM (it ignores"
                + " SIGINT: this shell started it without job control), which exited with 143; the run stops FAILED with exit 143"),
                wrapped.err());
        assertEquals("143", api.calls("PUT /api/run/stop/7").getFirst().field("exit"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void sigtermIsPassedToTheCommandAndACommandThatExitsZeroStillFails(String shell) throws Exception {
        CurlWrapper.Started wrapper = under(shell).start(Map.of(), "--heartbeat", "0", "--",
                "sh", "-c", "trap 'kill $!; echo cleaned-up; exit 0' TERM; sleep 60 > /dev/null & wait");
        wrapper.awaitStderr("tracking the command as run 7", LONG);
        Thread.sleep(300);
        wrapper.signal("TERM");
        CurlWrapper.Result wrapped = wrapper.result(LONG);
        assertEquals(0, wrapped.exitCode(), "the wrapper exits with the command's status: " + wrapped);
        assertTrue(wrapped.err().contains("received SIGTERM and passed it to the command, which exited with 0; the run stops"
                + " FAILED with exit 143"), wrapped.err());
        Call stop = api.calls("PUT /api/run/stop/7").getFirst();
        assertEquals("143", stop.field("exit"));
        assertTrue(stop.field("log").endsWith("cleaned-up\nlackey-wrap: received SIGTERM and passed it to the command, which"
                + " exited with 0; the run stops FAILED with exit 143\n"), "the log says which signal: " + stop.field("log"));
    }

    @Test
    void signsTheScheduleWhenAskedAndNeverTheSimulationsCalls() {
        CurlWrapper.Result wrapped = under("dash").run(LONG, Map.of("LACKEY_SIGN", "always", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AWS_SESSION_TOKEN", "session-token",
                "AWS_REGION", "eu-west-1"), "--heartbeat", "0", "--", "true");
        assertEquals(0, wrapped.exitCode(), wrapped.toString());
        Call schedule = api.calls("POST /api/run").getFirst();
        String authorization = schedule.header("Authorization");
        assertTrue(authorization != null && authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                && authorization.contains("/eu-west-1/execute-api/aws4_request"), "SigV4 for execute-api: " + authorization);
        assertEquals("session-token", schedule.header("x-amz-security-token"));
        for (Call call : api.calls("PUT /api/run/")) {
            assertNull(call.header("Authorization"), "the token is the simulation's credential: " + call.path());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox"})
    void aCommandLineItCannotReadIsAUsageErrorAndRunsNothing(String shell) {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--name"), List.of("--heartbeat", "soon", "--", "true"),
                List.of("--param", "novalue", "--", "true"), List.of("--bogus", "--", "true"))) {
            CurlWrapper.Result wrapped = under(shell).run(args.toArray(String[]::new));
            assertEquals(2, wrapped.exitCode(), args + ": " + wrapped);
            assertTrue(wrapped.err().contains("usage: sh lackey-wrap.sh [options] -- COMMAND [ARG]..."), wrapped.err());
        }
        assertTrue(api.calls().isEmpty(), "nothing was sent");
    }
}
