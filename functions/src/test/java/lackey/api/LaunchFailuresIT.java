package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lackey.aws.Config;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RecordingContext;
import lackey.aws.RunJson;
import lackey.run.LaunchRetries;
import lackey.run.RunLifecycle;
import org.junit.jupiter.api.Test;

/**
 * RecordLaunchFailureHandler against the emulators, fed the sample events of events/ as AWS delivers them: an ECS task
 * that failed to start, and a dead letter of a RunTask EventBridge gave up on. Each is recorded on its run, with its
 * reason, in the run's JSON and a "Run Launch Failed" event; the same event again changes nothing; after the last
 * attempt the run is LOST.
 */
class LaunchFailuresIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final Duration DELAY = Duration.ofSeconds(2);

    private final OutboxIT.ShiftedClock clock = new OutboxIT.ShiftedClock();
    private final RunLifecycle runs = AWS.lifecycle(clock);
    private final ScheduleRunHandler schedule = new ScheduleRunHandler(runs);
    private final GetRunHandler get = new GetRunHandler(runs);
    private final SweepRunsHandler sweeper = new SweepRunsHandler(runs);
    private final RecordLaunchFailureHandler launches = new RecordLaunchFailureHandler(
            PublishingRuns.launchFailures(AWS.config(), AWS.credentials, new LaunchRetries(3, DELAY)));

    @Test
    void aTaskThatFailedToStartIsRecordedOnItsRunAndTheSameEventAgainChangesNothing() throws Exception {
        long id = scheduled();
        String token = scheduledToken(id, 1);
        RecordingContext context = new RecordingContext("launch-1");
        JsonNode answer = invoke(launches, taskFailedToStart(id, token), context);
        assertEquals("RETRYING", answer.path("outcome").asText(), answer.toString());

        JsonNode run = run(id);
        assertEquals("SCHEDULED", run.path("status").asText());
        assertEquals(1, run.path("launchFailures").asInt(), run.toString());
        assertEquals("task 5f1c1a8f0b2e4f7c9a3d6b8e0c2f4a61 failed to start: CannotPullContainerError: pull image manifest "
                + "has been retried 7 time(s): failed to resolve ref public.ecr.aws/amazonlinux/amazonlinux:2023-no-such-tag: not found",
                run.path("launchFailureReason").asText());
        assertTrue(run.path("dispatchPending").asBoolean(), "it waits for its re-dispatch: " + run);
        assertEquals("DISPATCH", run.path("deadline").path("kind").asText());
        JsonNode told = launchFailedEvent(id, 1);
        assertEquals("SCHEDULED", told.path("detail").path("status").asText());
        assertEquals(1, told.path("detail").path("launchFailures").asInt());
        assertFalse(told.path("detail").has("token"), "only Run Scheduled carries a token");
        context.logged().forEach(line -> assertFalse(line.text().contains(token), "a log line holds the token: " + line.text()));

        assertEquals("STALE", invoke(launches, taskFailedToStart(id, token), null).path("outcome").asText());
        assertEquals(run, run(id), "the redelivered event changed nothing");
        assertEquals(1, launchFailedEvents(id).size(), "and published nothing");
    }

    @Test
    void aDeadLetteredRunTaskIsRecordedAndAfterTheLastAttemptTheRunIsLost() throws Exception {
        long id = scheduled();
        assertEquals("RETRYING", invoke(launches, taskFailedToStart(id, scheduledToken(id, 1)), null).path("outcome").asText());
        redispatch(id);

        String second = scheduledToken(id, 2);
        JsonNode answer = invoke(launches, deadLetter(id, second), null);
        assertEquals(0, answer.path("batchItemFailures").size(), answer.toString());
        JsonNode run = run(id);
        assertEquals(2, run.path("launchFailures").asInt());
        assertEquals("RunTask failed: INVALID_PARAMETER: Error retrieving subnet information for [subnet-0deadbeef0000000]: "
                + "The subnet ID 'subnet-0deadbeef0000000' does not exist (ECS) (retries: 0)", run.path("launchFailureReason").asText());
        invoke(launches, deadLetter(id, second), null);
        assertEquals(run, run(id), "the same dead letter twice counts once");

        redispatch(id);
        invoke(launches, deadLetter(id, scheduledToken(id, 3)), null);
        JsonNode lost = run(id);
        assertEquals("LOST", lost.path("status").asText(), lost.toString());
        assertEquals(3, lost.path("launchFailures").asInt());
        assertTrue(lost.path("lostReason").asText().startsWith("container not launched after 3 attempts: RunTask failed: "
                + "INVALID_PARAMETER"), lost.toString());
        assertFalse(lost.has("deadline"));
        assertEquals("LOST", launchFailedEvent(id, 3).path("detail").path("status").asText());
    }

    @Test
    void aDeadLetterThatCannotBeRecordedComesBackAndOneThatIsNoLaunchIsDropped() throws Exception {
        long id = scheduled();
        ObjectNode batch = deadLetter(id, scheduledToken(id, 1));
        ObjectNode notALaunch = ((ObjectNode) batch.path("Records").get(0)).deepCopy();
        notALaunch.put("messageId", "not-a-launch").put("body", SampleEvents.text("run-lost.json"));
        ((ArrayNode) batch.get("Records")).add(notALaunch);
        // the same batch where the table is missing: DynamoDB refuses, the message is reported failed
        var broken = new RecordLaunchFailureHandler(PublishingRuns.launchFailures(
                new Config("no-such-table", LocalAws.BUCKET, LocalAws.BUS, LocalAws.REGION), AWS.credentials, new LaunchRetries(3, DELAY)));
        JsonNode failed = invoke(broken, batch, null);
        assertEquals(List.of("3f9c0e4a-7b21-4d5e-8a6f-1c2b3d4e5f60"),
                texts(failed.path("batchItemFailures"), "itemIdentifier"), failed.toString());

        JsonNode done = invoke(launches, batch, null);
        assertEquals(0, done.path("batchItemFailures").size(), done.toString());
        assertEquals(1, run(id).path("launchFailures").asInt());
    }

    @Test
    void aTaskStateChangeThatIsNoFailedLaunchIsSkipped() throws Exception {
        long id = scheduled();
        ObjectNode stoppedByUser = taskFailedToStart(id, scheduledToken(id, 1));
        ((ObjectNode) stoppedByUser.get("detail")).put("stopCode", "UserInitiated");
        assertEquals("SKIPPED", invoke(launches, stoppedByUser, null).path("outcome").asText());
        assertFalse(run(id).has("launchFailures"));
    }

    // ------------------------------------------------------------------ helpers

    private long scheduled() {
        var answer = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json"));
        assertEquals(201, answer.status(), answer.rawBody());
        return answer.body().path("id").asLong();
    }

    private JsonNode run(long id) {
        return SampleEvents.invoke(get, SampleEvents.http("get-run.json", id, body -> body)).body();
    }

    /** events/ecs-task-failed-to-start.json as ECS would send it for this run's launch. */
    private static ObjectNode taskFailedToStart(long id, String token) throws IOException {
        ObjectNode event = SampleEvents.http("ecs-task-failed-to-start.json");
        for (JsonNode variable : event.at("/detail/overrides/containerOverrides/0/environment")) {
            switch (variable.path("name").asText()) {
                case "LACKEY_RUN_ID" -> ((ObjectNode) variable).put("value", Long.toString(id));
                case "LACKEY_RUN_TOKEN" -> ((ObjectNode) variable).put("value", token);
                default -> { }
            }
        }
        return event;
    }

    /** events/dispatch-dead-letter.json, its body the "Run Scheduled" of this run's launch. */
    private static ObjectNode deadLetter(long id, String token) throws IOException {
        ObjectNode batch = SampleEvents.http("dispatch-dead-letter.json");
        ObjectNode record = (ObjectNode) batch.path("Records").get(0);
        ObjectNode body = (ObjectNode) RunJson.MAPPER.readTree(record.path("body").asText());
        ((ObjectNode) body.get("detail")).put("id", id).put("token", token);
        record.put("body", body.toString());
        return batch;
    }

    /** Lets the sweeper publish the run's "Run Scheduled" again, its re-dispatch being due. */
    private void redispatch(long id) throws IOException {
        clock.advance(Duration.ofMinutes(5));
        List<Long> redispatched = new ArrayList<>();
        for (int round = 0; round < 100 && !redispatched.contains(id); round++) {
            JsonNode sweep = invoke(sweeper, RunJson.MAPPER.readTree(SampleEvents.text("scheduled-rule.json")), null);
            sweep.path("redispatched").forEach(r -> redispatched.add(r.asLong()));
            if (sweep.path("lost").isEmpty() && sweep.path("redispatched").isEmpty()) {
                break;
            }
        }
        assertTrue(redispatched.contains(id), "redispatched: " + redispatched);
    }

    /** The token of the run's {@code nth} "Run Scheduled" (its nth launch). */
    private static String scheduledToken(long id, int nth) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (JsonNode event : awaitEvents(id, "Run Scheduled", nth)) {
            tokens.add(event.path("detail").path("token").asText());
        }
        if (nth > 1) {
            assertNotEquals(tokens.get(nth - 2), tokens.get(nth - 1), "each launch has a token of its own");
        }
        return tokens.get(nth - 1);
    }

    private static JsonNode launchFailedEvent(long id, int nth) throws Exception {
        return awaitEvents(id, "Run Launch Failed", nth).get(nth - 1);
    }

    private static List<JsonNode> launchFailedEvents(long id) throws Exception {
        AWS.awaitDeliveries(Duration.ofSeconds(5));
        return events(id, "Run Launch Failed");
    }

    private static List<JsonNode> awaitEvents(long id, String detailType, int atLeast) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<JsonNode> found = events(id, detailType);
            if (found.size() >= atLeast) {
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + atLeast + " \"" + detailType + "\" events for run " + id);
    }

    private static List<JsonNode> events(long id, String detailType) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (String delivered : AWS.delivered) {
            JsonNode event = RunJson.MAPPER.readTree(delivered);
            if (event.path("detail-type").asText().equals(detailType) && event.path("detail").path("id").asLong() == id) {
                found.add(event);
            }
        }
        return found;
    }

    private static JsonNode invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, JsonNode event,
                                   RecordingContext context) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(RunJson.MAPPER.writeValueAsBytes(event)), out, context);
            return RunJson.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.path(field).asText()));
        return texts;
    }
}
