package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import lackey.api.SampleEvents.Answer;
import lackey.aws.DynamoRunBatches;
import lackey.aws.DynamoRunIds;
import lackey.aws.DynamoRunStore;
import lackey.aws.EventBridgeRunEvents;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RequestCounter;
import lackey.aws.RunJson;
import lackey.run.ParameterSweeps;
import lackey.run.Token;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * {@code POST /api/runs} against the emulators over the wire: a grid becomes runs that each stand on their own
 * (found, started with their own token), a sweep of 1,000 is a handful of batch calls, refused events leave
 * dispatched runs pending, and a sweep the store will not take in full is undone.
 */
class ScheduleSweepIT {

    private static final LocalAws AWS = LocalAws.get();

    private final ScheduleSweepHandler sweep = new ScheduleSweepHandler(PublishingRuns.sweeps(AWS.config(), AWS.credentials));
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());
    private final ListRunsHandler list = new ListRunsHandler(AWS.catalog());

    private static ObjectNode sweepEvent(String json) {
        return SampleEvents.withBody(SampleEvents.http("schedule-sweep.json"), "application/json", json);
    }

    private Answer getRun(long id) {
        return SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, b -> b));
    }

    private static long lastReservedId() {
        var counter = AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE).key(Map.of("id", AttributeValue.fromN("0")))
                .consistentRead(true)).item();
        return counter == null || counter.isEmpty() ? 0 : Long.parseLong(counter.get("lastId").n());
    }

    private static boolean exists(long id) {
        var item = AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE).key(Map.of("id", AttributeValue.fromN(Long.toString(id))))
                .consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }

    /** The "Run Scheduled" events delivered for these runs, by run id, waiting up to 5 s for {@code expected} of them. */
    private static Map<Long, JsonNode> scheduledEvents(Set<Long> ids, int expected) throws Exception {
        var found = new java.util.TreeMap<Long, JsonNode>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            found.clear();
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                long id = node.path("detail").path("id").asLong();
                if (node.path("detail-type").asText().equals("Run Scheduled") && ids.contains(id)) {
                    found.put(id, node);
                }
            }
            if (found.size() >= expected) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return found;
    }

    @Test
    void aWrappedSweepWrapsEveryRunAndSaysSoInEveryEvent() throws Exception {
        Answer answer = SampleEvents.invoke(sweep, sweepEvent(
                "{\"name\":\"wrapped-sweep\",\"command\":\"python train.py\",\"wrap\":true,\"grid\":{\"lr\":[0.1,0.2]}}"));
        assertEquals(201, answer.status(), answer.rawBody());
        long first = answer.body().get("sweep").asLong();
        for (long id = first; id < first + 2; id++) {
            assertTrue(getRun(id).body().get("wrap").asBoolean(), "run " + id);
        }
        var events = scheduledEvents(Set.of(first, first + 1), 2);
        assertEquals(2, events.size());
        events.values().forEach(event -> assertTrue(event.at("/detail/wrap").asBoolean(), event.toString()));
    }

    @Test
    void aTwoByThreeGridIsSixRunsEachFoundAndStartedWithItsOwnToken() throws Exception {
        RequestCounter.reset();
        Answer answer = SampleEvents.invoke(sweep, SampleEvents.http("schedule-sweep.json"));
        List<String> operations = RequestCounter.operations();
        assertEquals(201, answer.status(), answer.rawBody());
        JsonNode body = answer.body();
        long first = body.get("sweep").asLong();
        assertEquals("sweep-" + first, body.get("tag").asText());
        assertEquals("/api/runs?tag=sweep-" + first, answer.header("location"));
        assertEquals(6, body.get("count").asInt());
        assertFalse(body.has("warnings"), body.toString());
        assertEquals(List.of("DynamoDb.UpdateItem", "DynamoDb.BatchWriteItem", "EventBridge.PutEvents"), operations,
                "one reservation, one batch write, one batch of events");

        JsonNode runs = body.get("runs");
        String[][] grid = {{"0.1", "2"}, {"0.1", "4"}, {"0.1", "8"}, {"0.01", "2"}, {"0.01", "4"}, {"0.01", "8"}};
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            JsonNode run = runs.get(i);
            assertEquals(first + i, run.get("id").asLong(), "contiguous ids in grid order");
            assertEquals(100, run.get("params").get("steps").asInt(), "the shared params");
            assertEquals(grid[i][0], run.get("params").get("lr").decimalValue().toPlainString());
            assertEquals(grid[i][1], run.get("params").get("layers").asText());
            tokens.add(run.get("token").asText());

            JsonNode view = getRun(first + i).body();
            assertEquals("SCHEDULED", view.get("status").asText());
            assertEquals("lr-sweep", view.get("name").asText());
            assertTrue(view.get("dispatch").asBoolean());
            assertFalse(view.get("wrap").asBoolean(), "not wrapped unless asked");
            assertEquals(List.of("demo", "sweep-" + first), RunJson.MAPPER.convertValue(view.get("tags"), List.class));
            assertEquals(run.get("params"), view.get("params"));
            assertEquals("START", view.get("deadline").get("kind").asText());
            assertFalse(view.has("token"));
        }
        assertEquals(6, tokens.size(), "a token each");

        // The item is the one a single schedule writes: hashed token, listing keys, deadline index keys.
        var item = AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE).key(Map.of("id", AttributeValue.fromN(Long.toString(first + 2))))).item();
        assertEquals(Token.presented(runs.get(2).get("token").asText()).hash().hex(), item.get("tokenHash").s());
        assertEquals("SCHEDULED#" + (first + 2) % 8, item.get("statusShard").s());
        assertEquals("runs#" + (first + 2) % 8, item.get("listShard").s());
        assertEquals("live#" + (first + 2) % 8, item.get("liveShard").s());
        assertTrue(item.containsKey("listOrder") && item.containsKey("deadline") && item.containsKey("firstWindow"), item.keySet().toString());

        // each token starts its own run and no other
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        Answer wrong = SampleEvents.invoke(start, SampleEvents.http("start-run.json", first + 3,
                b -> "token=" + runs.get(4).get("token").asText() + "&ts=" + ts));
        assertEquals(403, wrong.status(), wrong.rawBody());
        for (int i = 0; i < 6; i++) {
            String token = runs.get(i).get("token").asText();
            Answer started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", first + i, b -> "token=" + token + "&ts=" + ts));
            assertEquals(200, started.status(), started.rawBody());
            assertEquals("RUNNING", started.body().get("status").asText());
        }

        // the events went out after the writes, each with its own run's token (the runs are dispatched)
        var events = scheduledEvents(Set.copyOf(LongStream.range(first, first + 6).boxed().toList()), 6);
        assertEquals(6, events.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(runs.get(i).get("token").asText(), events.get(first + i).path("detail").path("token").asText());
        }
    }

    @Test
    void aSweepOfAThousandIsAFewBatchCallsAndIsListedUnderItsTag() throws Exception {
        ArrayNode params = RunJson.MAPPER.createArrayNode();
        for (int i = 0; i < 1000; i++) {
            params.addObject().put("seed", i).put("label", "run " + i);
        }
        ObjectNode request = RunJson.MAPPER.createObjectNode().put("name", "thousand");
        request.putArray("tags").add("bulk");
        request.set("runs", params);

        RequestCounter.reset();
        long before = System.nanoTime();
        Answer answer = SampleEvents.invoke(sweep, sweepEvent(request.toString()));
        long millis = (System.nanoTime() - before) / 1_000_000;
        List<String> operations = RequestCounter.operations();
        assertEquals(201, answer.status(), answer.rawBody());
        assertEquals(1000, answer.body().get("count").asInt());
        long first = answer.body().get("sweep").asLong();
        assertEquals(1, operations.stream().filter("DynamoDb.UpdateItem"::equals).count(), "one reservation");
        assertEquals(40, operations.stream().filter("DynamoDb.BatchWriteItem"::equals).count(), "25 runs a call");
        assertEquals(100, operations.stream().filter("EventBridge.PutEvents"::equals).count(), "10 events a call");
        assertEquals(141, operations.size(), operations.toString());
        assertTrue(lastReservedId() >= first + 999);
        System.out.println("a sweep of 1,000 runs took " + millis + " ms against the emulators");

        JsonNode runs = answer.body().get("runs");
        for (int i : new int[]{0, 1, 499, 998, 999}) {
            JsonNode view = getRun(first + i).body();
            assertEquals(i, view.get("params").get("seed").asInt());
            assertEquals("run " + i, view.get("params").get("label").asText());
            assertEquals(runs.get(i).get("id").asLong(), view.get("id").asLong());
        }
        Answer page = SampleEvents.invoke(list, SampleEvents.http("list-runs.json", 0, b -> b)
                .put("rawQueryString", "tag=sweep-" + first + "&limit=50")
                .set("queryStringParameters", RunJson.MAPPER.createObjectNode().put("tag", "sweep-" + first).put("limit", "50")));
        assertEquals(200, page.status(), page.rawBody());
        assertEquals(50, page.body().get("runs").size());
        assertEquals(first + 999, page.body().get("runs").get(0).get("id").asLong(), "newest first: the sweep's last id");
        page.body().get("runs").forEach(run -> assertTrue(run.get("tags").toString().contains("\"sweep-" + first + "\"")));
        assertTrue(page.body().hasNonNull("cursor"), "more than one page");
        assertEquals(1000, scheduledEvents(Set.copyOf(LongStream.range(first, first + 1000).boxed().toList()), 1000).size());
    }

    @Test
    void refusedEventsLeaveDispatchedRunsPendingAndSaySo() throws Exception {
        // One PutEvents batch of 6, tried 3 times: the bus refuses all 6, all 6 again, then the first 2.
        AWS.refuseNextEntries(6 + 6 + 2);
        Answer answer = SampleEvents.invoke(sweep, SampleEvents.http("schedule-sweep.json"));
        assertEquals(201, answer.status(), answer.rawBody());
        JsonNode body = answer.body();
        long first = body.get("sweep").asLong();
        JsonNode warnings = body.get("warnings");
        assertTrue(warnings.isArray() && warnings.size() == 2, body.toString());
        assertTrue(warnings.get(0).asText().contains("ids " + first + ", " + (first + 1)), warnings.toString());
        assertTrue(warnings.get(1).asText().contains("2 dispatched runs wait for the sweeper"), warnings.toString());
        for (int i = 0; i < 6; i++) {
            boolean refused = i < 2;
            assertEquals(refused, body.get("runs").get(i).path("dispatchPending").asBoolean(false), "run " + i);
            JsonNode view = getRun(first + i).body();
            assertEquals(refused, view.path("dispatchPending").asBoolean(false), view.toString());
            assertEquals(refused ? "DISPATCH" : "START", view.get("deadline").get("kind").asText());
        }
        var delivered = scheduledEvents(Set.copyOf(LongStream.range(first, first + 6).boxed().toList()), 4);
        assertEquals(Set.of(first + 2, first + 3, first + 4, first + 5), delivered.keySet());
    }

    @Test
    void badSweepsAreRefusedBeforeAnyIdIsReserved() {
        long counter = lastReservedId();
        Map<String, Integer> refusals = new java.util.LinkedHashMap<>();
        refusals.put("{\"name\":\"x\"}", 400);
        refusals.put("{\"name\":\"x\",\"runs\":[]}", 400);
        refusals.put("{\"name\":\"x\",\"grid\":{\"lr\":[]}}", 400);
        refusals.put("{\"name\":\"x\",\"runs\":[{}],\"grid\":{\"lr\":[1]}}", 400);
        refusals.put("{\"name\":\"x\",\"runs\":[{\"lr\":[1,2]}]}", 400);
        refusals.put("{\"runs\":[{}]}", 400);
        refusals.put("{\"name\":\"x\",\"grid\":{\"a\":" + range(101) + ",\"b\":" + range(100) + "}}", 413);
        refusals.put("{\"name\":\"x\",\"runs\":[" + "{},".repeat(10_000) + "{}]}", 413);
        refusals.forEach((json, status) -> {
            Answer answer = SampleEvents.invoke(sweep, sweepEvent(json));
            assertEquals(status, answer.status(), json.length() > 200 ? json.substring(0, 200) : json);
            assertEquals(status == 413 ? "too_large" : "invalid_input", answer.body().get("error").asText());
        });
        assertEquals(counter, lastReservedId(), "no id was spent on a refused sweep");
    }

    @Test
    void aFormBodyMayCarryTheGridAsJsonText() {
        ObjectNode event = SampleEvents.withBody(SampleEvents.http("schedule-sweep.json"), "application/x-www-form-urlencoded",
                "name=form-sweep&grid=%7B%22seed%22%3A%5B1%2C2%2C3%5D%7D&tags=a,b");
        Answer answer = SampleEvents.invoke(sweep, event);
        assertEquals(201, answer.status(), answer.rawBody());
        assertEquals(3, answer.body().get("count").asInt());
        assertEquals(3, answer.body().get("runs").get(2).get("params").get("seed").asInt());
        long first = answer.body().get("sweep").asLong();
        assertEquals("[\"a\",\"b\",\"sweep-" + first + "\"]", getRun(first + 2).body().get("tags").toString());
    }

    private static String range(int n) {
        return LongStream.range(0, n).boxed().toList().toString();
    }

    // ---------------------------------------------------------------- a store that will not take the whole sweep

    /** Fails every BatchWriteItem that puts (or deletes) one of the given ids, as an unreachable table would. */
    private static final class RefusingBatches implements ExecutionInterceptor {
        final Set<Long> refusePuts = new HashSet<>();
        final Set<Long> refuseDeletes = new HashSet<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof BatchWriteItemRequest batch) {
                for (List<WriteRequest> requests : batch.requestItems().values()) {
                    for (WriteRequest request : requests) {
                        if (request.putRequest() != null && refusePuts.contains(Long.parseLong(request.putRequest().item().get("id").n()))
                                || request.deleteRequest() != null
                                && refuseDeletes.contains(Long.parseLong(request.deleteRequest().key().get("id").n()))) {
                            throw SdkClientException.create("injected: the table is unreachable");
                        }
                    }
                }
            }
        }
    }

    private static ScheduleSweepHandler sweepWith(RefusingBatches refusals) {
        DynamoDbClient dynamo = DynamoDbClient.builder().region(LocalAws.REGION).credentialsProvider(AWS.credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(refusals)).build();
        EventBridgeClient eventBridge = EventBridgeClient.builder().region(LocalAws.REGION).credentialsProvider(AWS.credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return new ScheduleSweepHandler(new ParameterSweeps(new DynamoRunIds(() -> dynamo, LocalAws.TABLE),
                new DynamoRunBatches(() -> dynamo, LocalAws.TABLE), new DynamoRunStore(() -> dynamo, LocalAws.TABLE),
                new EventBridgeRunEvents(() -> eventBridge, LocalAws.BUS), Clock.systemUTC()));
    }

    private static String seeds(int count) {
        ObjectNode request = RunJson.MAPPER.createObjectNode().put("name", "doomed").put("command", "sh never.sh");
        ArrayNode runs = request.putArray("runs");
        for (int i = 0; i < count; i++) {
            runs.addObject().put("seed", i);
        }
        return request.toString();
    }

    @Test
    void aSweepTheStoreWillNotTakeInFullIsUndoneAndNothingIsPublished() throws Exception {
        var refusals = new RefusingBatches();
        long first = lastReservedId() + 1;
        refusals.refusePuts.add(first + 30); // the second of three batches of 25, 25 and 10
        Answer answer = SampleEvents.invoke(sweepWith(refusals), sweepEvent(seeds(60)));

        assertEquals(503, answer.status(), answer.rawBody());
        assertEquals("sweep_failed", answer.body().get("error").asText());
        assertEquals("[]", answer.body().get("existing").toString());
        assertTrue(answer.body().get("message").asText().contains("25 of its runs could not be written"), answer.rawBody());
        assertTrue(answer.body().get("message").asText().contains("ids " + first + " to " + (first + 59)), answer.rawBody());
        List<Long> left = new ArrayList<>();
        LongStream.range(first, first + 60).filter(ScheduleSweepIT::exists).forEach(left::add);
        assertEquals(List.of(), left, "the batches that were written were removed again");
        assertTrue(lastReservedId() >= first + 59, "the ids were reserved (and stay unused)");
        Thread.sleep(300);
        assertEquals(Map.of(), scheduledEvents(Set.copyOf(LongStream.range(first, first + 60).boxed().toList()), 0),
                "no event for a sweep that failed");
    }

    @Test
    void runsTheUndoCannotRemoveAreNamedExactly() {
        var refusals = new RefusingBatches();
        long first = lastReservedId() + 1;
        refusals.refusePuts.add(first + 55);   // the third batch is never written
        refusals.refuseDeletes.add(first + 3); // and the first cannot be removed again
        Answer answer = SampleEvents.invoke(sweepWith(refusals), sweepEvent(seeds(60)));

        assertEquals(503, answer.status(), answer.rawBody());
        List<Long> existing = new ArrayList<>();
        answer.body().get("existing").forEach(id -> existing.add(id.asLong()));
        assertEquals(LongStream.range(first, first + 25).boxed().toList(), existing, "the first batch, in id order");
        List<Long> left = new ArrayList<>();
        LongStream.range(first, first + 60).filter(ScheduleSweepIT::exists).forEach(left::add);
        assertEquals(existing, left, "exactly the runs the answer names exist");
        assertNotEquals(-1, answer.body().get("message").asText().indexOf("25 of its runs could not be removed and still exist"));
    }
}
