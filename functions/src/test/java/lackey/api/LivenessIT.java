package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lackey.aws.LocalAws;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Heartbeats, the sweeper and late stops against dynalite, S3Proxy and the local bus, with timeouts of
 * a few seconds so that real time passes.
 */
class LivenessIT {

    private static final LocalAws AWS = LocalAws.get();

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final HeartbeatRunHandler heartbeat = new HeartbeatRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());
    private final SweepRunsHandler sweeper = new SweepRunsHandler(AWS.lifecycle());

    record Scheduled(long id, String token) {
    }

    private Scheduled scheduleWith(String timeouts) {
        var answer = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> "name=liveness&" + timeouts));
        assertEquals(201, answer.status(), answer.rawBody());
        return new Scheduled(answer.body().get("id").asLong(), answer.body().get("token").asText());
    }

    private SampleEvents.Answer startNow(Scheduled run) {
        return SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                b -> "token=" + run.token() + "&ts=" + now()));
    }

    private SampleEvents.Answer beat(Scheduled run, String extra) {
        return SampleEvents.invoke(heartbeat, SampleEvents.http("heartbeat-run.json", run.id(),
                b -> "token=" + run.token() + "&ts=" + now() + extra));
    }

    private JsonNode view(Scheduled run) {
        return SampleEvents.invoke(get, SampleEvents.http("get-run.json", run.id(), b -> b)).body();
    }

    /**
     * Sweeps until nothing is overdue: the table is shared with other tests whose old runs are overdue
     * too, and one sweep takes at most a thousand.
     */
    private List<Long> sweepUntilQuiet() throws IOException {
        List<Long> lost = new ArrayList<>();
        for (int round = 0; round < 100; round++) {
            List<Long> swept = sweep();
            if (swept.isEmpty()) {
                return lost;
            }
            lost.addAll(swept);
        }
        throw new AssertionError("the sweeper never ran out of overdue runs");
    }

    private List<Long> sweep() throws IOException {
        var out = new ByteArrayOutputStream();
        sweeper.handleRequest(new ByteArrayInputStream(SampleEvents.text("scheduled-rule.json").getBytes(StandardCharsets.UTF_8)), out, null);
        List<Long> lost = new ArrayList<>();
        RunJson.MAPPER.readTree(out.toByteArray()).get("lost").forEach(id -> lost.add(id.asLong()));
        return lost;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void heartbeatRecordsProgressAndMovesTheDeadline() throws Exception {
        var run = scheduleWith("heartbeatTimeout=60&maxDuration=600");
        assertEquals(200, startNow(run).status());
        var first = beat(run, "&progress=40&message=loading%20mesh");
        assertEquals(200, first.status(), first.rawBody());
        assertEquals(40, first.body().get("heartbeat").get("progress").asInt());
        assertEquals("loading mesh", first.body().get("heartbeat").get("message").asText());
        assertEquals(1, first.body().get("heartbeat").get("count").asInt(), "the first heartbeat counted");
        assertEquals("HEARTBEAT", first.body().get("deadline").get("kind").asText());
        Map<String, AttributeValue> item = AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE)
                .key(Map.of("id", AttributeValue.fromN(Long.toString(run.id()))))).item();
        long deadline = Long.parseLong(item.get("deadline").n());
        assertTrue(Math.abs(deadline - (now() + 60)) <= 2, "deadline is now + heartbeat timeout: " + deadline);
        assertEquals("live#" + run.id() % 8, item.get("liveShard").s());
    }

    @Test
    void concurrentHeartbeatsOfOneRunAreAllCounted() throws Exception {
        var run = scheduleWith("heartbeatTimeout=60&maxDuration=600");
        assertEquals(200, startNow(run).status());
        int beats = 24;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < beats; i++) {
                int progress = i;
                answers.add(pool.submit(() -> beat(run, "&progress=" + progress).status()));
            }
            for (var answer : answers) {
                assertEquals(200, answer.get());
            }
        } finally {
            pool.shutdown();
        }
        var last = beat(run, "");
        assertEquals(beats + 1, last.body().get("heartbeat").get("count").asInt(), "no heartbeat lost: " + last.rawBody());
    }

    @Test
    void heartbeatOfUnstartedRunConflictsAndBadProgressIsRefused() {
        var run = scheduleWith("heartbeatTimeout=60");
        assertEquals(409, beat(run, "").status());
        startNow(run);
        assertEquals(400, beat(run, "&progress=150").status());
        assertEquals(403, SampleEvents.invoke(heartbeat, SampleEvents.http("heartbeat-run.json", run.id(),
                b -> "token=" + java.util.UUID.randomUUID() + "&ts=" + now())).status(), "another run's token, or none's");
    }

    @Test
    void silentRunIsLostByTheSweeperAndItsLateStopIsStillRecorded() throws Exception {
        var silent = scheduleWith("heartbeatTimeout=1&maxDuration=600");
        var healthy = scheduleWith("heartbeatTimeout=600&maxDuration=600");
        var neverStarted = scheduleWith("startTimeout=1");
        startNow(silent);
        startNow(healthy);
        Thread.sleep(2_100);
        List<Long> lost = sweepUntilQuiet();
        assertTrue(lost.contains(silent.id()) && lost.contains(neverStarted.id()), lost.toString());
        assertFalse(lost.contains(healthy.id()), lost.toString());

        JsonNode verdict = view(silent);
        assertEquals("LOST", verdict.get("status").asText());
        assertEquals("no heartbeat for 1 s", verdict.get("lostReason").asText());
        assertEquals("not started within 1 s of scheduling", view(neverStarted).get("lostReason").asText());
        assertFalse(AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE)
                .key(Map.of("id", AttributeValue.fromN(Long.toString(silent.id()))))).item().containsKey("liveShard"),
                "a lost run leaves the deadline index");
        assertFalse(sweep().contains(silent.id()), "a run is lost once");

        var late = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", silent.id(),
                b -> "token=" + silent.token() + "&ts=" + now() + "&log=finished%20after%20all&exit=0"));
        assertEquals(200, late.status(), late.rawBody());
        assertEquals("LOST", late.body().get("status").asText());
        assertEquals("FINISHED", late.body().get("reportedStatus").asText());
        String key = late.body().get("log").get("location").asText().substring(("s3://" + LocalAws.BUCKET + "/").length());
        assertEquals("finished after all", AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key)).asUtf8String());
        assertEquals(409, SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", silent.id(),
                b -> "token=" + silent.token() + "&ts=" + now())).status(), "only one late stop");
        assertTrue(lostEventFor(silent.id()), "a Run Lost event was published");
    }

    private static boolean lostEventFor(long id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals("Run Lost") && node.get("detail").get("id").asLong() == id) {
                    assertFalse(event.contains("token"), "Run Lost carries no token");
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }
}
