package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lackey.aws.LocalAws;
import lackey.aws.RequestCounter;
import lackey.aws.RunJson;
import lackey.api.SampleEvents.Answer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lackey.run.InvalidInput;
import lackey.run.Token;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handlers end to end against the emulators over the wire: dynalite, S3Proxy and the local bus.
 * Requests are the samples in events/, as API Gateway would deliver them.
 */
class RunApiIT {

    private static final LocalAws AWS = LocalAws.get();

    // One instance per handler, as one Lambda function each; each wires its own clients like a container.
    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());

    record Scheduled(long id, String token) {
    }

    private Scheduled scheduleSeedRun() {
        // tracked only, as in the seed: someone else runs the simulation
        var response = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> "name=seed"));
        assertEquals(201, response.status(), response.rawBody());
        JsonNode body = json(response);
        assertEquals("/api/run/" + body.get("id").asLong(), response.header("location"));
        return new Scheduled(body.get("id").asLong(), body.get("token").asText());
    }

    private Answer startRun(Scheduled run) {
        return SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                body -> body.replace(SampleEvents.SEED_TOKEN, run.token())));
    }

    private Answer stopRun(Scheduled run) {
        return SampleEvents.invoke(stop, stopEvent(run));
    }

    private static ObjectNode stopEvent(Scheduled run) {
        return SampleEvents.http("stop-run.json", run.id(), body -> body.replace(SampleEvents.SEED_TOKEN, run.token()));
    }

    @Test
    void seedLifecycleStoresHashedTokenLogAndEvents() throws IOException {
        var run = scheduleSeedRun();
        var started = startRun(run);
        assertEquals(200, started.status(), started.rawBody());
        assertEquals("RUNNING", json(started).get("status").asText());
        var stopped = stopRun(run);
        assertEquals(200, stopped.status(), stopped.rawBody());

        JsonNode view = json(SampleEvents.invoke(get, SampleEvents.http("get-run.json", run.id(), b -> b)));
        assertEquals("FINISHED", view.get("status").asText());
        assertEquals(1369312595L, view.get("started").asLong());
        assertEquals(1369322595L, view.get("stopped").asLong());
        assertEquals(10000, view.get("duration").asLong());
        assertTrue(view.has("startedReceivedAt") && view.has("stoppedReceivedAt"));
        assertNull(view.get("token"), "GET never shows the token");

        Map<String, AttributeValue> item = AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE)
                .key(Map.of("id", AttributeValue.fromN(Long.toString(run.id()))))).item();
        assertEquals(Token.presented(run.token()).hash().hex(), item.get("tokenHash").s());
        assertFalse(item.toString().contains(run.token()), "the token is never stored in clear");
        assertEquals("FINISHED#" + run.id() % 8, item.get("statusShard").s(), "the by-status index follows the status");
        assertEquals("runs#" + run.id() % 8, item.get("listShard").s());
        assertTrue(item.get("listOrder").s().matches("\\d{13}#0*" + run.id()), item.get("listOrder").s());

        String location = view.get("log").get("location").asText();
        String key = location.substring(("s3://" + LocalAws.BUCKET + "/").length());
        assertTrue(key.startsWith("logs/" + run.id() + "/"), key);
        String log = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key)).asString(StandardCharsets.UTF_8);
        assertEquals("asdf 123", log);

        List<JsonNode> events = eventsOf(run.id(), 3);
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Stopped"),
                events.stream().map(e -> e.get("detail-type").asText()).toList());
        events.forEach(e -> assertFalse(e.toString().contains(run.token()), "a tracked run's events carry no token"));
    }

    @Test
    void jsonScheduleOfDispatchedRunPublishesTokenForTheContainerOnly() throws IOException {
        var response = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-json.json"));
        assertEquals(201, response.status(), response.rawBody());
        JsonNode body = json(response);
        assertTrue(body.get("dispatch").asBoolean());
        assertEquals(10, body.get("params").get("steps").asInt());
        assertEquals("nightly", body.get("tags").get(0).asText());
        JsonNode scheduled = eventsOf(body.get("id").asLong(), 1).getFirst();
        assertEquals(body.get("token").asText(), scheduled.get("detail").get("token").asText());
        assertEquals("{\"steps\":10,\"label\":\"first \\\"try\\\"\"}", scheduled.get("detail").get("paramsJson").asText());
    }

    @Test
    void aLifecycleMakesAtMostSevenRequestsAndNoReads() {
        scheduleSeedRun(); // the first schedule of a container reserves a block of ids
        RequestCounter.reset();
        var run = scheduleSeedRun();
        startRun(run);
        assertEquals(200, stopRun(run).status());
        List<String> operations = RequestCounter.operations();
        assertEquals(List.of("DynamoDb.PutItem", "EventBridge.PutEvents",
                "DynamoDb.UpdateItem", "EventBridge.PutEvents",
                "S3.PutObject", "DynamoDb.UpdateItem", "EventBridge.PutEvents"), operations);
    }

    @Test
    void wrongTokenIsForbiddenAndUnknownRunNotFound() throws IOException {
        var run = scheduleSeedRun();
        var forbidden = SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(), b -> b));
        assertError(forbidden, 403, "wrong_token");
        var missing = SampleEvents.invoke(start, SampleEvents.http("start-run.json", 999_999, b -> b));
        assertError(missing, 404, "run_not_found");
        var unknown = SampleEvents.invoke(get, SampleEvents.http("get-run.json", 999_999, b -> b));
        assertError(unknown, 404, "run_not_found");
    }

    @Test
    void secondStartAndStopBeforeStartConflict() throws IOException {
        var run = scheduleSeedRun();
        assertError(stopRun(run), 409, "wrong_state");
        assertEquals(200, startRun(run).status());
        var another = SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("1369312595", "1369312596")));
        assertError(another, 409, "wrong_state");
        assertEquals(200, startRun(run).status(), "the same start again is a retry (RetriesIT)");
    }

    @Test
    void badInputIsExplainedAndLosesNothing() throws IOException {
        var run = scheduleSeedRun();
        var badTs = SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("1369312595", "yesterday")));
        assertError(badTs, 400, "invalid_input");
        var notAnId = SampleEvents.http("get-run.json");
        ((ObjectNode) notAnId.get("pathParameters")).put("id", "one");
        assertError(SampleEvents.invoke(get, notAnId), 400, "invalid_input");
        var xml = SampleEvents.withBody(SampleEvents.http("start-run.json", run.id(), b -> b), "text/xml", "<token/>");
        assertError(SampleEvents.invoke(start, xml), 415, "unsupported_media_type");
        var noName = SampleEvents.withBody(SampleEvents.http("schedule-run-form.json"),
                "application/x-www-form-urlencoded", "command=ls");
        assertError(SampleEvents.invoke(schedule, noName), 400, "invalid_input");
        // the run is untouched by all of it
        assertEquals(200, startRun(run).status());
    }

    @Test
    void stopBeforeItsStartTimeIsRefusedAndItsLogRemoved() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        var early = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("1369322595", "1369312594")));
        assertError(early, 400, "invalid_input");
        assertEquals(0, AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + run.id() + "/")).keyCount());
    }

    @Test
    void fiveMegabyteLogFitsAndOverEightIsTooLarge() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        String big = "x".repeat(9 * 1024 * 1024);
        var tooLarge = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", big)));
        assertError(tooLarge, 413, "too_large");
        String fiveMb = "line of a simulation log\n".repeat(5 * 1024 * 1024 / 25 + 1);
        var fits = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", fiveMb.replace("\n", "%0A").replace(" ", "+"))));
        assertEquals(200, fits.status(), fits.rawBody());
        assertEquals(fiveMb.length(), json(fits).get("log").get("bytes").asLong());
    }

    @Test
    void exitCodeMarksRunFailed() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        var failed = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()) + "&exit=2"));
        assertEquals(200, failed.status(), failed.rawBody());
        assertEquals("FAILED", json(failed).get("status").asText());
        assertEquals(2, json(failed).get("exitCode").asInt());
    }

    @Test
    void hundredConcurrentStopsOfOneRunHaveExactlyOneWinner() throws Exception {
        var run = scheduleSeedRun();
        startRun(run);
        int contenders = 100;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Answer>> stops = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            int n = i;
            // each contender is its own container: its own handler and clients
            StopRunHandler handler = n % 4 == 0 ? stop : new StopRunHandler(AWS.lifecycle());
            stops.add(() -> {
                go.await();
                return SampleEvents.invoke(handler, SampleEvents.http("stop-run.json", run.id(),
                        b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", "contender%20" + n)));
            });
        }
        List<Future<Answer>> futures = stops.stream().map(pool::submit).toList();
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Answer> f : futures) {
            statuses.add(f.get().status());
        }
        pool.shutdown();
        long winners = statuses.stream().filter(s -> s == 200).count();
        assertEquals(contenders - winners, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        JsonNode view = json(SampleEvents.invoke(get, SampleEvents.http("get-run.json", run.id(), b -> b)));
        String key = view.get("log").get("location").asText().substring(("s3://" + LocalAws.BUCKET + "/").length());
        String winnerLog = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key)).asUtf8String();
        assertTrue(winnerLog.startsWith("contender "), winnerLog);
        var keys = AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + run.id() + "/")).contents();
        if (AWS.serialisesConditionalWrites()) {
            assertEquals(1, winners, statuses.toString());
            assertEquals(List.of(key), keys.stream().map(o -> o.key()).toList(), "losers' logs are removed");
        } else {
            // moto may let several conditional writes pass at once (RELIABILITY.md, "A second emulator"): each winner keeps its log
            assertTrue(winners >= 1, statuses.toString());
            assertEquals(winners, keys.size(), "losers' logs are removed: " + keys);
        }
    }

    @Test
    void refusedEventsAreRetriedAndReportedWhenTheyKeepFailing() throws IOException {
        AWS.refuseNextEntries(1);
        var retried = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json"));
        assertEquals(201, retried.status());
        assertNull(json(retried).get("warnings"), "one refused entry is retried, not reported");
        assertEquals(1, eventsOf(json(retried).get("id").asLong(), 1).size());

        AWS.refuseNextEntries(3);
        var refused = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json"));
        assertEquals(201, refused.status(), "the run exists, so the caller gets its token");
        assertTrue(json(refused).get("warnings").get(0).asText().contains("Run Scheduled"));
    }

    @Test
    void recurringRuleInputSchedulesARun() throws IOException {
        var handler = new RecurringRunHandler(AWS.lifecycle());
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(SampleEvents.text("recurring-run.json").getBytes(StandardCharsets.UTF_8)), out, null);
        long id = RunJson.MAPPER.readTree(out.toByteArray()).get("id").asLong();
        JsonNode view = json(SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, b -> b)));
        assertEquals("nightly", view.get("name").asText());
        assertEquals("SCHEDULED", view.get("status").asText());
    }

    @Test
    void recurringRuleWithoutInputFailsLoudly() {
        var handler = new RecurringRunHandler(AWS.lifecycle());
        var problem = assertThrows(InvalidInput.class, () -> handler.handleRequest(
                new ByteArrayInputStream(SampleEvents.text("scheduled-rule.json").getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null));
        assertTrue(problem.getMessage().contains("Input"), problem.getMessage());
    }

    @Test
    void recurringRuleInputIsReadAsStrictlyAsARequest() {
        var handler = new RecurringRunHandler(AWS.lifecycle());
        for (String input : List.of("{\"name\":1e400}", "{\"name\":\"a\",\"name\":\"b\"}", "{\"name\":\"x\"} trailing",
                "{\"name\":\"x\",\"params\":{\"lr\":1e200}}")) {
            var problem = assertThrows(InvalidInput.class, () -> handler.handleRequest(
                    new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null), input);
            assertFalse(problem.getMessage().isBlank(), input);
        }
    }

    private static void assertError(Answer response, int status, String code) throws IOException {
        assertEquals(status, response.status(), response.rawBody());
        JsonNode body = json(response);
        assertEquals(code, body.get("error").asText());
        assertFalse(body.get("message").asText().isBlank());
        assertFalse(response.rawBody().contains("at lackey."), "no stack traces");
    }

    private static JsonNode json(Answer response) {
        return response.body();
    }

    /** The events the bus delivered for one run, in order, waiting briefly as delivery is asynchronous. */
    private static List<JsonNode> eventsOf(long id, int expected) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<JsonNode> found = List.of();
        while (found.size() < expected && System.nanoTime() < deadline) {
            List<JsonNode> current = new ArrayList<>();
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail").get("id").asLong() == id) {
                    current.add(node);
                }
            }
            found = current;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return found;
    }
}
