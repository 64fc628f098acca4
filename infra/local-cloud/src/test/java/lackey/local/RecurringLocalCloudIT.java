package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recurring run as a user sets it up: the template's RecurringSchedule and RecurringRunSpec given as
 * parameter overrides (as `sam deploy --parameter-overrides` would), and the local cloud firing the
 * schedule on time: after its first minute, a run of that spec exists and, being dispatched, finishes.
 */
class RecurringLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String SPEC = "{\"name\": \"nightly-hello\", \"command\": \"sh infra/simulations/hello.sh\", "
            + "\"tags\": [\"recurring\"]}";

    @TempDir
    static Path home;

    private static LocalCloud cloud;

    @BeforeAll
    static void startLocalCloud() {
        cloud = LocalCloud.start(LocalCloudIT.options(home).withParameterOverrides(
                Map.of("RecurringSchedule", "rate(1 minute)", "RecurringRunSpec", SPEC)));
    }

    @AfterAll
    static void stopLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    private static JsonNode get(String path) throws Exception {
        var response = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void theScheduleFiresAfterItsMinuteAndTheRunFinishesByItself() throws Exception {
        long begin = System.nanoTime();
        assertEquals(0, get("/api/runs?tag=recurring").path("runs").size(), "nothing before the first minute");
        JsonNode run = null;
        while (System.nanoTime() - begin < Duration.ofSeconds(100).toNanos()) {
            JsonNode runs = get("/api/runs?tag=recurring").path("runs");
            if (!runs.isEmpty() && runs.get(0).path("status").asText().equals("FINISHED")) {
                run = runs.get(0);
                break;
            }
            Thread.sleep(1_000);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
        assertTrue(run != null, "no recurring run finished within 100 s");
        assertEquals("nightly-hello", run.path("name").asText());
        assertTrue(seconds >= 55, "fired after its minute, not at once: " + seconds + " s");
    }
}
