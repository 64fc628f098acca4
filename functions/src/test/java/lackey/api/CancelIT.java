package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import lackey.aws.LocalAws;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;

/** Cancellation through the handlers against the emulators: state, token, event. */
class CancelIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final String TASK = "arn:aws:ecs:us-east-1:000000000000:task/lackey-simulations/0123456789abcdef0123456789abcdef";

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final CancelRunHandler cancel = new CancelRunHandler(AWS.lifecycle());

    @Test
    void cancelledRunRefusesItsTokenAndAnnouncesItsTask() throws Exception {
        var scheduled = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-json.json"));
        long id = scheduled.body().get("id").asLong();
        String token = scheduled.body().get("token").asText();
        var started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", id,
                b -> "token=" + token + "&ts=" + System.currentTimeMillis() / 1000 + "&task=" + TASK));
        assertEquals(200, started.status(), started.rawBody());
        assertEquals(TASK, started.body().get("taskArn").asText());

        var cancelled = SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", id, b -> b));
        assertEquals(200, cancelled.status(), cancelled.rawBody());
        assertEquals("CANCELLED", cancelled.body().get("status").asText());
        assertEquals("wrong mesh", cancelled.body().get("cancelReason").asText());

        var again = SampleEvents.invoke(start, SampleEvents.http("start-run.json", id,
                b -> "token=" + token + "&ts=" + System.currentTimeMillis() / 1000));
        assertEquals(409, again.status(), "a cancelled run's token no longer works");
        assertEquals(200, SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", id, b -> b)).status(),
                "the same cancel again is a retry (RetriesIT)");
        assertEquals(409, SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", id, b -> "reason=other")).status());
        assertEquals(404, SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", 999_999, b -> b)).status());

        JsonNode event = cancelledEvent(id).orElseThrow(() -> new AssertionError("no Run Cancelled event for run " + id));
        assertEquals(TASK, event.get("detail").get("taskArn").asText());
        assertFalse(event.toString().contains(token), "Run Cancelled carries no token");
    }

    private static Optional<JsonNode> cancelledEvent(long id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals("Run Cancelled") && node.get("detail").get("id").asLong() == id) {
                    return Optional.of(node);
                }
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }
}
