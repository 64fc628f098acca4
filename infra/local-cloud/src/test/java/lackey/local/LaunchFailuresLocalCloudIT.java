package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import lackey.emulators.LocalEventBus;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dispatched run whose ECS task fails to start, end to end in the local cloud: the local ECS stops the task with
 * {@code TaskFailedToStart} and tells the default bus, the template's rule hands that to RecordLaunchFailureFunction,
 * and within seconds the run shows the failure and its reason. The sweeper launches it again (the delay is a second
 * here, {@code LaunchRetryDelay=1}); after its third failed launch it is LOST, and the notification topic is told.
 */
class LaunchFailuresLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PULL_ERROR = "CannotPullContainerError: pull image manifest has been retried 7 time(s): "
            + "failed to resolve ref example.com/simulation:missing: not found";

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud(options -> options.withParameterOverrides(
            Map.of("LaunchRetryDelay", "1", "LaunchAttempts", "3")));

    static JsonNode get(RunningLocalCloud local, long id) throws Exception {
        return JSON.readTree(local.call("GET", "/api/run/" + id, null).body());
    }

    /** The run once {@code until} holds, polled every 100 ms for up to {@code seconds}. */
    static JsonNode await(RunningLocalCloud local, long id, int seconds, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        JsonNode run = get(local, id);
        while (!until.test(run) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            run = get(local, id);
        }
        assertTrue(until.test(run), "waited " + seconds + " s; the run is " + run);
        return run;
    }

    static long schedule(RunningLocalCloud local, String name) throws Exception {
        var scheduled = local.call("POST", "/api/run", "name=" + name + "&command=sh%20infra/simulations/hello.sh");
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        return JSON.readTree(scheduled.body()).path("id").asLong();
    }

    /** Invokes the sweeper once the run's re-dispatch is due, as its minute timer would a little later. */
    static void sweepWhenDue(RunningLocalCloud local, JsonNode run) throws Exception {
        Instant due = Instant.parse(run.path("deadline").path("at").asText());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), due).toMillis() + 1_100));
        byte[] tick = Files.readAllBytes(ProjectLayout.find().root().resolve("events/scheduled-rule.json"));
        local.cloud().invoke("SweepRunsFunction", tick);
    }

    /** The events of a detail-type about a run that the local buses accepted, oldest first. */
    static List<JsonNode> events(RunningLocalCloud local, String detailType, Predicate<JsonNode> about) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (String event : local.cloud().eventBus().events()) {
            JsonNode node = JSON.readTree(event);
            if (node.path("detail-type").asText().equals(detailType) && about.test(node)) {
                found.add(node);
            }
        }
        return found;
    }

    static Predicate<JsonNode> ofRun(long id) {
        return event -> event.path("detail").path("id").asLong() == id;
    }

    /** An ECS task state change of a task launched for run {@code id} (its overrides name the run). */
    static Predicate<JsonNode> ofTaskOfRun(long id) {
        return event -> {
            for (JsonNode variable : event.at("/detail/overrides/containerOverrides/0/environment")) {
                if (variable.path("name").asText().equals("LACKEY_RUN_ID") && variable.path("value").asText().equals(Long.toString(id))) {
                    return true;
                }
            }
            return false;
        };
    }

    @Test
    void aTaskThatFailsToStartIsSeenWithinSecondsAndTheRunIsLaunchedAgain() throws Exception {
        LOCAL.cloud().ecs().failNextTasks(1, PULL_ERROR);
        long begin = System.nanoTime();
        long id = schedule(LOCAL, "flaky-image");
        JsonNode failed = await(LOCAL, id, 15, run -> run.has("launchFailures"));
        double seenAfter = (System.nanoTime() - begin) / 1e9;
        assertTrue(seenAfter < 10, "seen after " + seenAfter + " s");
        System.out.printf("launch failure of run %d seen %.2f s after it was scheduled%n", id, seenAfter);
        assertEquals("SCHEDULED", failed.path("status").asText());
        assertEquals(1, failed.path("launchFailures").asInt());
        assertTrue(failed.path("launchFailureReason").asText().matches("task [0-9a-f]{32} failed to start: "
                + java.util.regex.Pattern.quote(PULL_ERROR)), failed.toString());
        assertTrue(failed.path("dispatchPending").asBoolean(), failed.toString());

        JsonNode stopped = events(LOCAL, "ECS Task State Change", ofTaskOfRun(id)).getLast();
        assertEquals("aws.ecs", stopped.path("source").asText());
        assertEquals("STOPPED", stopped.at("/detail/lastStatus").asText());
        assertEquals("TaskFailedToStart", stopped.at("/detail/stopCode").asText());
        assertEquals(PULL_ERROR, stopped.at("/detail/stoppedReason").asText());

        sweepWhenDue(LOCAL, failed);
        JsonNode finished = await(LOCAL, id, 30, run -> run.path("status").asText().equals("FINISHED"));
        assertEquals(1, finished.path("launchFailures").asInt(), "the history stays: " + finished);
        assertFalse(finished.has("dispatchPending"));
        assertEquals(2, events(LOCAL, "Run Scheduled", ofRun(id)).size(), "launched twice");
    }

    @Test
    void afterItsLastFailedLaunchTheRunIsLostWithTheReasonAndOperatorsAreTold() throws Exception {
        LOCAL.cloud().ecs().failNextTasks(3, "ResourceInitializationError: unable to pull secrets or registry auth");
        long id = schedule(LOCAL, "never-launched");
        JsonNode run = await(LOCAL, id, 15, r -> r.path("launchFailures").asInt() == 1);
        sweepWhenDue(LOCAL, run);
        run = await(LOCAL, id, 15, r -> r.path("launchFailures").asInt() == 2);
        assertTrue(Duration.between(Instant.parse(run.path("launchFailedAt").asText()),
                Instant.parse(run.path("deadline").path("at").asText())).toSeconds() >= 1, "the delay doubles: " + run);
        sweepWhenDue(LOCAL, run);
        JsonNode lost = await(LOCAL, id, 15, r -> r.path("status").asText().equals("LOST"));

        assertEquals(3, lost.path("launchFailures").asInt());
        assertTrue(lost.path("lostReason").asText().startsWith("container not launched after 3 attempts: task "), lost.toString());
        assertTrue(lost.path("lostReason").asText().endsWith("failed to start: ResourceInitializationError: unable to pull "
                + "secrets or registry auth"), lost.toString());
        long published = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events(LOCAL, "Run Launch Failed", ofRun(id)).size() < 3 && System.nanoTime() < published) {
            Thread.sleep(50); // the function records, then publishes
        }
        List<JsonNode> told = events(LOCAL, "Run Launch Failed", ofRun(id));
        assertEquals(List.of("SCHEDULED", "SCHEDULED", "LOST"), told.stream().map(e -> e.at("/detail/status").asText()).toList());
        String message = "\"lackey run " + id + " (never-launched) is LOST: " + lost.path("lostReason").asText() + "\"";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (LOCAL.cloud().snsMessages().stream().noneMatch(m -> m.message().equals(message)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(LOCAL.cloud().snsMessages().stream().anyMatch(m -> m.message().equals(message)),
                "notified: " + LOCAL.cloud().snsMessages());
    }

    @Test
    void aTaskStateChangeDeliveredAgainChangesNothing() throws Exception {
        LOCAL.cloud().ecs().failNextTasks(1, PULL_ERROR);
        long id = schedule(LOCAL, "told-twice");
        JsonNode once = await(LOCAL, id, 15, run -> run.has("launchFailures"));
        JsonNode stopped = events(LOCAL, "ECS Task State Change", ofTaskOfRun(id)).getLast();
        // the function records, then publishes: the run may show the failure a moment before its event is out
        long published = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events(LOCAL, "Run Launch Failed", ofRun(id)).isEmpty() && System.nanoTime() < published) {
            Thread.sleep(50);
        }
        int launchFailedEvents = events(LOCAL, "Run Launch Failed", ofRun(id)).size();
        assertEquals(1, launchFailedEvents, "the failure was told once");

        // EventBridge delivers at least once: the same event again, through the rule, and straight to the function
        List<String> resources = new ArrayList<>();
        stopped.path("resources").forEach(resource -> resources.add(resource.asText()));
        LOCAL.cloud().eventBus().putServiceEvent(LocalEventBus.DEFAULT_BUS, "aws.ecs", "ECS Task State Change", resources,
                stopped.path("detail").toString());
        JsonNode answer = JSON.readTree(LOCAL.cloud().invoke("RecordLaunchFailureFunction", JSON.writeValueAsBytes(stopped)));
        assertEquals("STALE", answer.path("outcome").asText(), answer.toString());
        LOCAL.cloud().eventBus().awaitDeliveries(Duration.ofSeconds(5));
        Thread.sleep(1_000); // the rule's delivery invokes the function asynchronously
        assertEquals(once, get(LOCAL, id), "the run did not change");
        assertEquals(launchFailedEvents, events(LOCAL, "Run Launch Failed", ofRun(id)).size(), "nothing was published");
    }
}
