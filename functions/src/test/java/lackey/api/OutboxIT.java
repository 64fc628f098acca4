package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import lackey.aws.LocalAws;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;
import org.junit.jupiter.api.Test;

/**
 * The outbox against the emulators: the bus refuses a dispatched run's "Run Scheduled", the run shows
 * as pending, and a sweep a minute later publishes it again with a fresh token that alone can start it.
 */
class OutboxIT {

    private static final LocalAws AWS = LocalAws.get();

    /** Real time, shifted forward on demand, so the store's receive times stay plausible. */
    static final class ShiftedClock extends Clock {
        private volatile Duration shift = Duration.ZERO;

        void advance(Duration by) {
            shift = shift.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }
    }

    @Test
    void refusedDispatchIsPublishedAgainWithAFreshTokenThatAloneStartsTheRun() throws Exception {
        var clock = new ShiftedClock();
        RunLifecycle runs = AWS.lifecycle(clock);
        var schedule = new ScheduleRunHandler(runs);
        var start = new StartRunHandler(runs);
        var get = new GetRunHandler(runs);
        var sweeper = new SweepRunsHandler(runs);

        AWS.refuseNextEntries(3); // every attempt of the first publication
        var scheduled = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-json.json"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        String firstToken = scheduled.body().get("token").asText();
        assertTrue(scheduled.body().has("warnings"), scheduled.rawBody());
        JsonNode pending = SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, b -> b)).body();
        assertTrue(pending.path("dispatchPending").asBoolean(), pending.toString());
        assertEquals("DISPATCH", pending.path("deadline").path("kind").asText());

        clock.advance(RunLifecycle.REDISPATCH_AFTER.plusSeconds(1));
        List<Long> redispatched = new ArrayList<>();
        for (int round = 0; round < 100 && !redispatched.contains(id); round++) {
            var out = new ByteArrayOutputStream();
            sweeper.handleRequest(new ByteArrayInputStream(SampleEvents.text("scheduled-rule.json").getBytes(StandardCharsets.UTF_8)), out, null);
            JsonNode sweep = RunJson.MAPPER.readTree(out.toByteArray());
            sweep.path("redispatched").forEach(r -> redispatched.add(r.asLong()));
            if (sweep.path("lost").isEmpty() && sweep.path("redispatched").isEmpty()) {
                break;
            }
        }
        assertTrue(redispatched.contains(id), "redispatched: " + redispatched);
        JsonNode again = SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, b -> b)).body();
        assertTrue(!again.has("dispatchPending"), again.toString());

        String freshToken = scheduledEventToken(id);
        assertNotEquals(firstToken, freshToken);
        long ts = clock.instant().getEpochSecond();
        assertEquals(403, SampleEvents.invoke(start, SampleEvents.http("start-run.json", id,
                b -> "token=" + firstToken + "&ts=" + ts)).status(), "the first token no longer starts the run");
        assertEquals(200, SampleEvents.invoke(start, SampleEvents.http("start-run.json", id,
                b -> "token=" + freshToken + "&ts=" + ts)).status());
    }

    private static String scheduledEventToken(long id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals("Run Scheduled") && node.get("detail").get("id").asLong() == id) {
                    return node.get("detail").get("token").asText();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no Run Scheduled event for run " + id + " was delivered");
    }
}
