package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Heartbeats and lost runs in the local cloud, over HTTP: a heartbeat moves the deadline, the sweeper
 * function (the one template.yaml schedules every minute, invoked here without waiting) declares silent
 * and never-started runs LOST, and a late stop is still recorded.
 */
class LivenessLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static List<Long> sweep() throws Exception {
        Path scheduledEvent = ProjectLayout.find().root().resolve("events/scheduled-rule.json");
        JsonNode answer = JSON.readTree(LOCAL.cloud().invoke("SweepRunsFunction", Files.readAllBytes(scheduledEvent)));
        List<Long> lost = new ArrayList<>();
        answer.path("lost").forEach(id -> lost.add(id.asLong()));
        return lost;
    }

    @Test
    void silentRunIsLostHeartbeatingRunIsNotAndALateStopIsKept() throws Exception {
        JsonNode silent = json(LOCAL.call("POST", "/api/run", "name=silent&heartbeatTimeout=1"));
        JsonNode beating = json(LOCAL.call("POST", "/api/run", "name=beating&heartbeatTimeout=30"));
        JsonNode idle = json(LOCAL.call("POST", "/api/run", "name=idle&startTimeout=1"));
        for (JsonNode run : List.of(silent, beating)) {
            var started = LOCAL.call("PUT", "/api/run/start/" + run.path("id").asLong(), "token=" + run.path("token").asText() + "&ts=" + now());
            assertEquals(200, started.statusCode(), started.body());
        }
        var beat = LOCAL.call("PUT", "/api/run/heartbeat/" + beating.path("id").asLong(),
                "token=" + beating.path("token").asText() + "&ts=" + now() + "&progress=10&message=meshing");
        assertEquals(200, beat.statusCode(), beat.body());
        assertEquals(10, json(beat).path("heartbeat").path("progress").asInt());

        Thread.sleep(2_100);
        List<Long> lost = sweep();
        assertTrue(lost.contains(silent.path("id").asLong()) && lost.contains(idle.path("id").asLong()), lost.toString());
        assertTrue(!lost.contains(beating.path("id").asLong()), lost.toString());

        JsonNode verdict = json(LOCAL.call("GET", "/api/run/" + silent.path("id").asLong(), null));
        assertEquals("LOST", verdict.path("status").asText());
        assertEquals("no heartbeat for 1 s", verdict.path("lostReason").asText());

        var late = LOCAL.call("PUT", "/api/run/stop/" + silent.path("id").asLong(),
                "token=" + silent.path("token").asText() + "&ts=" + now() + "&log=done%20anyway&exit=3");
        assertEquals(200, late.statusCode(), late.body());
        assertEquals("LOST", json(late).path("status").asText());
        assertEquals("FAILED", json(late).path("reportedStatus").asText());
        assertEquals(3, json(late).path("exitCode").asInt());
        assertTrue(json(late).path("log").path("bytes").asLong() > 0, "the late log is kept");
    }
}
