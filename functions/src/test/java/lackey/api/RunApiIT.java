package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
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
        var response = schedule.handleRequest(SampleEvents.http("schedule-run-form.json", 0, b -> "name=seed"), null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("/api/run/" + body.get("id").asLong(), response.getHeaders().get("location"));
        return new Scheduled(body.get("id").asLong(), body.get("token").asText());
    }

    private APIGatewayV2HTTPResponse startRun(Scheduled run) {
        return start.handleRequest(SampleEvents.http("start-run.json", run.id(),
                body -> body.replace(SampleEvents.SEED_TOKEN, run.token())), null);
    }

    private APIGatewayV2HTTPResponse stopRun(Scheduled run) {
        return stop.handleRequest(stopEvent(run), null);
    }

    private static APIGatewayV2HTTPEvent stopEvent(Scheduled run) {
        return SampleEvents.http("stop-run.json", run.id(), body -> body.replace(SampleEvents.SEED_TOKEN, run.token()));
    }

    @Test
    void seedLifecycleStoresHashedTokenLogAndEvents() throws IOException {
        var run = scheduleSeedRun();
        var started = startRun(run);
        assertEquals(200, started.getStatusCode(), started.getBody());
        assertEquals("RUNNING", json(started).get("status").asText());
        var stopped = stopRun(run);
        assertEquals(200, stopped.getStatusCode(), stopped.getBody());

        JsonNode view = json(get.handleRequest(SampleEvents.http("get-run.json", run.id(), b -> b), null));
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
        var response = schedule.handleRequest(SampleEvents.http("schedule-run-json.json"), null);
        assertEquals(201, response.getStatusCode(), response.getBody());
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
        assertEquals(200, stopRun(run).getStatusCode());
        List<String> operations = RequestCounter.operations();
        assertEquals(List.of("DynamoDb.PutItem", "EventBridge.PutEvents",
                "DynamoDb.UpdateItem", "EventBridge.PutEvents",
                "S3.PutObject", "DynamoDb.UpdateItem", "EventBridge.PutEvents"), operations);
    }

    @Test
    void wrongTokenIsForbiddenAndUnknownRunNotFound() throws IOException {
        var run = scheduleSeedRun();
        var forbidden = start.handleRequest(SampleEvents.http("start-run.json", run.id(), b -> b), null);
        assertError(forbidden, 403, "wrong_token");
        var missing = start.handleRequest(SampleEvents.http("start-run.json", 999_999, b -> b), null);
        assertError(missing, 404, "run_not_found");
        var unknown = get.handleRequest(SampleEvents.http("get-run.json", 999_999, b -> b), null);
        assertError(unknown, 404, "run_not_found");
    }

    @Test
    void secondStartAndStopBeforeStartConflict() throws IOException {
        var run = scheduleSeedRun();
        assertError(stopRun(run), 409, "wrong_state");
        assertEquals(200, startRun(run).getStatusCode());
        assertError(startRun(run), 409, "wrong_state");
    }

    @Test
    void badInputIsExplainedAndLosesNothing() throws IOException {
        var run = scheduleSeedRun();
        var badTs = start.handleRequest(SampleEvents.http("start-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("1369312595", "yesterday")), null);
        assertError(badTs, 400, "invalid_input");
        var notAnId = SampleEvents.http("get-run.json");
        notAnId.setPathParameters(Map.of("id", "one"));
        assertError(get.handleRequest(notAnId, null), 400, "invalid_input");
        var xml = SampleEvents.withBody(SampleEvents.http("start-run.json", run.id(), b -> b), "text/xml", "<token/>");
        assertError(start.handleRequest(xml, null), 415, "unsupported_media_type");
        var noName = SampleEvents.withBody(SampleEvents.http("schedule-run-form.json"),
                "application/x-www-form-urlencoded", "command=ls");
        assertError(schedule.handleRequest(noName, null), 400, "invalid_input");
        // the run is untouched by all of it
        assertEquals(200, startRun(run).getStatusCode());
    }

    @Test
    void stopBeforeItsStartTimeIsRefusedAndItsLogRemoved() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        var early = stop.handleRequest(SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("1369322595", "1369312594")), null);
        assertError(early, 400, "invalid_input");
        assertEquals(0, AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + run.id() + "/")).keyCount());
    }

    @Test
    void fiveMegabyteLogFitsAndOverEightIsTooLarge() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        String big = "x".repeat(9 * 1024 * 1024);
        var tooLarge = stop.handleRequest(SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", big)), null);
        assertError(tooLarge, 413, "too_large");
        String fiveMb = "line of a simulation log\n".repeat(5 * 1024 * 1024 / 25 + 1);
        var fits = stop.handleRequest(SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", fiveMb.replace("\n", "%0A").replace(" ", "+"))), null);
        assertEquals(200, fits.getStatusCode(), fits.getBody());
        assertEquals(fiveMb.length(), json(fits).get("log").get("bytes").asLong());
    }

    @Test
    void exitCodeMarksRunFailed() throws IOException {
        var run = scheduleSeedRun();
        startRun(run);
        var failed = stop.handleRequest(SampleEvents.http("stop-run.json", run.id(),
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token()) + "&exit=2"), null);
        assertEquals(200, failed.getStatusCode(), failed.getBody());
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
        List<Callable<APIGatewayV2HTTPResponse>> stops = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            int n = i;
            // each contender is its own container: its own handler and clients
            StopRunHandler handler = n % 4 == 0 ? stop : new StopRunHandler(AWS.lifecycle());
            stops.add(() -> {
                go.await();
                return handler.handleRequest(SampleEvents.http("stop-run.json", run.id(),
                        b -> b.replace(SampleEvents.SEED_TOKEN, run.token()).replace("asdf%20123", "contender%20" + n)), null);
            });
        }
        List<Future<APIGatewayV2HTTPResponse>> futures = stops.stream().map(pool::submit).toList();
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<APIGatewayV2HTTPResponse> f : futures) {
            statuses.add(f.get().getStatusCode());
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(contenders - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        JsonNode view = json(get.handleRequest(SampleEvents.http("get-run.json", run.id(), b -> b), null));
        String key = view.get("log").get("location").asText().substring(("s3://" + LocalAws.BUCKET + "/").length());
        String winnerLog = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key)).asUtf8String();
        assertTrue(winnerLog.startsWith("contender "), winnerLog);
        var keys = AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + run.id() + "/")).contents();
        assertEquals(List.of(key), keys.stream().map(o -> o.key()).toList(), "losers' logs are removed");
    }

    @Test
    void refusedEventsAreRetriedAndReportedWhenTheyKeepFailing() throws IOException {
        AWS.bus.failNextEntries(1);
        var retried = schedule.handleRequest(SampleEvents.http("schedule-run-form.json"), null);
        assertEquals(201, retried.getStatusCode());
        assertNull(json(retried).get("warnings"), "one refused entry is retried, not reported");
        assertEquals(1, eventsOf(json(retried).get("id").asLong(), 1).size());

        AWS.bus.failNextEntries(3);
        var refused = schedule.handleRequest(SampleEvents.http("schedule-run-form.json"), null);
        assertEquals(201, refused.getStatusCode(), "the run exists, so the caller gets its token");
        assertTrue(json(refused).get("warnings").get(0).asText().contains("Run Scheduled"));
    }

    @Test
    void recurringRuleInputSchedulesARun() throws IOException {
        var handler = new RecurringRunHandler(AWS.lifecycle());
        @SuppressWarnings("unchecked")
        Map<String, Object> input = RunJson.MAPPER.readValue(SampleEvents.text("recurring-run.json"), Map.class);
        Map<String, Object> result = handler.handleRequest(input, null);
        long id = ((Number) result.get("id")).longValue();
        JsonNode view = json(get.handleRequest(SampleEvents.http("get-run.json", id, b -> b), null));
        assertEquals("nightly", view.get("name").asText());
        assertEquals("SCHEDULED", view.get("status").asText());
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) throws IOException {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(code, body.get("error").asText());
        assertFalse(body.get("message").asText().isBlank());
        assertFalse(response.getBody().contains("at lackey."), "no stack traces");
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return RunJson.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
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
