package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Pipelines against the emulators: a run that waits for another run's output is not dispatched until the
 * bucket reports that output, and then once, with a token that starts it.
 */
class PipelineIT {

    private static final LocalAws AWS = LocalAws.get();

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle(), RunFiles.exchange(AWS.config(), AWS.credentials));
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final RecordOutputHandler record = new RecordOutputHandler(PublishingRuns.outputs(AWS.config(), AWS.credentials));
    private final CancelRunHandler cancel = new CancelRunHandler(AWS.lifecycle());

    @Test
    void waitingRunIsDispatchedWhenTheAwaitedOutputLands() throws Exception {
        long producer = scheduled("{\"name\":\"producer\",\"command\":\"sh copy.sh\"}").body().get("id").asLong();
        var answer = scheduled("{\"name\":\"consumer\",\"command\":\"sh hello.sh\",\"waitFor\":\"" + producer + "/result.txt\"}");
        assertEquals(201, answer.status(), answer.rawBody());
        long consumer = answer.body().get("id").asLong();
        assertFalse(answer.body().has("warnings"), answer.rawBody());
        JsonNode waiting = run(consumer);
        assertEquals(producer + "/result.txt", waiting.path("waitingFor").asText(), waiting.toString());
        assertEquals("SCHEDULED", waiting.get("status").asText());

        objectCreated("exchange/" + producer + "/out/other.txt");
        assertTrue(scheduledEventToken(consumer, 1_000).isEmpty(), "dispatched before its file landed");

        assertEquals("RECORDED", objectCreated("exchange/" + producer + "/out/result.txt").get("outcome").asText());
        String token = scheduledEventToken(consumer, 5_000).orElseThrow(() -> new AssertionError("no Run Scheduled for " + consumer));
        assertFalse(run(consumer).has("waitingFor"));
        objectCreated("exchange/" + producer + "/out/result.txt");
        Thread.sleep(300);
        assertEquals(1, scheduledEvents(consumer), "a repeated event dispatches nothing");

        long ts = System.currentTimeMillis() / 1000;
        var started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", consumer, b -> "token=" + token + "&ts=" + ts));
        assertEquals(200, started.status(), started.rawBody());
        assertEquals("RUNNING", run(consumer).get("status").asText());
    }

    @Test
    void aWaitingRunThatIsCancelledWaitsNoMoreAndIsNeverDispatched() throws Exception {
        long producer = scheduled("{\"name\":\"producer\",\"command\":\"sh copy.sh\"}").body().get("id").asLong();
        long consumer = scheduled("{\"name\":\"consumer\",\"command\":\"sh hello.sh\",\"waitFor\":\"" + producer
                + "/result.txt\"}").body().get("id").asLong();
        var cancelled = SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", consumer, b -> b));
        assertEquals(200, cancelled.status(), cancelled.rawBody());
        assertFalse(cancelled.body().has("waitingFor"), "GET shows waitingFor only while the run waits: " + cancelled.rawBody());
        assertFalse(run(consumer).has("waitingFor"));

        objectCreated("exchange/" + producer + "/out/result.txt");
        assertTrue(scheduledEventToken(consumer, 1_000).isEmpty(), "a cancelled run was dispatched");
        assertEquals("CANCELLED", run(consumer).get("status").asText());
    }

    @Test
    void outputThatLandedBeforeSchedulingDispatchesAtOnce() throws Exception {
        long producer = scheduled("{\"name\":\"producer\",\"command\":\"sh copy.sh\"}").body().get("id").asLong();
        AWS.s3.putObject(put -> put.bucket(LocalAws.BUCKET).key("exchange/" + producer + "/out/result.txt"),
                RequestBody.fromString("done\n"));
        var answer = scheduled("{\"name\":\"consumer\",\"command\":\"sh hello.sh\",\"waitFor\":\"" + producer + "/result.txt\"}");
        long consumer = answer.body().get("id").asLong();
        String token = scheduledEventToken(consumer, 5_000).orElseThrow(() -> new AssertionError("not dispatched at once"));
        assertFalse(answer.body().has("token"), "a waiting run's token goes only to its container: " + answer.rawBody());
        assertFalse(token.isBlank());
        assertFalse(run(consumer).has("waitingFor"));
    }

    @Test
    void rejectsWaitForWithoutCommandOrWithABadReference() {
        for (String body : new String[] {"{\"name\":\"c\",\"waitFor\":\"1/result.txt\"}",
                "{\"name\":\"c\",\"command\":\"x\",\"waitFor\":\"one/result.txt\"}",
                "{\"name\":\"c\",\"command\":\"x\",\"waitFor\":\"1/a/b.txt\"}"}) {
            assertEquals(400, scheduled(body).status(), body);
        }
    }

    private SampleEvents.Answer scheduled(String json) {
        return SampleEvents.invoke(schedule, SampleEvents.withBody(SampleEvents.http("schedule-run-json.json"), "application/json", json));
    }

    private JsonNode run(long id) {
        return SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, b -> b)).body();
    }

    /** events/object-created.json with the given key, handed over as the Lambda runtime would. */
    private JsonNode objectCreated(String key) throws Exception {
        ObjectNode event = SampleEvents.http("object-created.json");
        ((ObjectNode) event.get("detail").get("object")).put("key", key);
        var out = new ByteArrayOutputStream();
        record.handleRequest(new ByteArrayInputStream(RunJson.MAPPER.writeValueAsBytes(event)), out, null);
        return RunJson.MAPPER.readTree(out.toByteArray());
    }

    private static Optional<String> scheduledEventToken(long id, long waitMillis) throws Exception {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        do {
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals("Run Scheduled") && node.get("detail").get("id").asLong() == id) {
                    return Optional.of(node.get("detail").get("token").asText());
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    private static long scheduledEvents(long id) throws Exception {
        long count = 0;
        for (String event : AWS.delivered) {
            JsonNode node = RunJson.MAPPER.readTree(event);
            if (node.get("detail-type").asText().equals("Run Scheduled") && node.get("detail").get("id").asLong() == id) {
                count++;
            }
        }
        return count;
    }
}
