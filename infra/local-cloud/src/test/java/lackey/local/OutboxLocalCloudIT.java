package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import lackey.emulators.ProjectLayout;
import lackey.run.RunLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox in the local cloud: the bus refuses a dispatched run's "Run Scheduled", the run is shown
 * as pending and nothing is launched; a minute later the sweeper function (the one template.yaml runs
 * every minute, invoked here when the retry is due) publishes it again, and the simulation runs once.
 */
class OutboxLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static JsonNode get(long id) throws Exception {
        return JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
    }

    @Test
    void aRefusedDispatchIsPublishedAgainAndTheSimulationRunsOnce() throws Exception {
        LOCAL.cloud().eventBus().failNextEntries(3); // every attempt of the first publication
        var scheduled = LOCAL.call("POST", "/api/run", "name=outbox&command=sh%20infra/simulations/hello.sh");
        long scheduledAt = System.nanoTime();
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        JsonNode answer = JSON.readTree(scheduled.body());
        long id = answer.path("id").asLong();
        assertTrue(answer.path("warnings").size() > 0, scheduled.body());
        assertTrue(get(id).path("dispatchPending").asBoolean(), "shown as not yet dispatched");

        Thread.sleep(2_000);
        assertEquals("SCHEDULED", get(id).path("status").asText());
        assertEquals("", LOCAL.output(id), "nothing was launched");

        long due = RunLifecycle.REDISPATCH_AFTER.plusSeconds(2).toNanos() - (System.nanoTime() - scheduledAt);
        Thread.sleep(Math.max(0, Duration.ofNanos(due).toMillis()));
        byte[] scheduledEvent = Files.readAllBytes(ProjectLayout.find().root().resolve("events/scheduled-rule.json"));
        // The local cloud's own minute timer may have swept first; either sweep republishes it, once.
        JSON.readTree(LOCAL.cloud().invoke("SweepRunsFunction", scheduledEvent));

        JsonNode run = get(id);
        for (int i = 0; i < 60 && !run.path("status").asText().equals("FINISHED"); i++) {
            Thread.sleep(500);
            run = get(id);
        }
        assertEquals("FINISHED", run.path("status").asText(), run.toString());
        assertFalse(run.has("dispatchPending"), run.toString());
        var logs = LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET"))
                .resolve("logs").resolve(Long.toString(id));
        try (var files = Files.list(logs)) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "one simulation ran and stopped");
        }
    }
}
