package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;

/** The bucket's "Object Created" events through RecordOutputHandler against the emulators: run, event, skips. */
class RecordOutputIT {

    private static final LocalAws AWS = LocalAws.get();

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());
    private final RecordOutputHandler record = new RecordOutputHandler(PublishingRuns.outputs(AWS.config(), AWS.credentials));

    @Test
    void recordsAnOutputOnItsRunAndAnnouncesIt() throws Exception {
        long id = scheduled();
        assertEquals("RECORDED", objectCreated("exchange/" + id + "/out/result.csv").get("outcome").asText());
        JsonNode run = run(id);
        assertEquals(List.of("result.csv"), names(run.get("outputs")));
        assertEquals(1, run.get("outputCount").asInt());
        assertTrue(run.get("lastOutputAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                "milliseconds, like every other instant: " + run.get("lastOutputAt"));

        JsonNode event = outputCreated(id).orElseThrow(() -> new AssertionError("no Output Created for run " + id));
        assertEquals("result.csv", event.get("detail").get("name").asText());
        assertEquals(18, event.get("detail").get("size").asLong());
        assertEquals("exchange/" + id + "/out/result.csv", event.get("detail").get("key").asText());
        assertEquals("lackey", event.get("source").asText());
    }

    @Test
    void sameOutputTwiceCountsOnceAndAnotherIsAdded() throws Exception {
        long id = scheduled();
        objectCreated("exchange/" + id + "/out/result.csv");
        assertEquals("RECORDED", objectCreated("exchange/" + id + "/out/result.csv").get("outcome").asText());
        objectCreated("exchange/" + id + "/out/plot+1.png");
        JsonNode run = run(id);
        assertEquals(List.of("plot 1.png", "result.csv"), names(run.get("outputs")));
        assertEquals(2, run.get("outputCount").asInt());
    }

    @Test
    void inputsAndMalformedKeysAreNotOutputs() throws Exception {
        long id = scheduled();
        for (String key : List.of("exchange/" + id + "/in/params.txt", "exchange/" + id + "/out/", "exchange/x/out/a.csv",
                "exchange/" + id + "/out/deeper/a.csv", "logs/" + id + "/1.log", "exchange/" + id)) {
            assertEquals("NOT_AN_OUTPUT", objectCreated(key).get("outcome").asText(), key);
        }
        assertFalse(run(id).has("outputs"));
    }

    @Test
    void outputOfAnUnknownRunIsSkippedWithoutFailing() throws Exception {
        assertEquals("UNKNOWN_RUN", objectCreated("exchange/987654321/out/result.csv").get("outcome").asText());
        JsonNode missing = SampleEvents.invoke(get, SampleEvents.http("get-run.json", 987_654_321L, b -> b)).body();
        assertEquals("run_not_found", missing.get("error").asText());
    }

    private long scheduled() {
        return SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-json.json")).body().get("id").asLong();
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

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static Optional<JsonNode> outputCreated(long id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals("Output Created") && node.get("detail").get("id").asLong() == id) {
                    return Optional.of(node);
                }
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }
}
