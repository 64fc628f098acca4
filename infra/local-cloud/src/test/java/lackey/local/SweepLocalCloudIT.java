package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sweeps in the local cloud, over HTTP through the local API Gateway and ScheduleSweepFunction: a dispatched
 * grid runs one simulation per combination, each with its own params, and a tracked grid is listed under its
 * tag, each run started by its own token.
 */
class SweepLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static JsonNode sweep(String json) throws Exception {
        HttpResponse<String> created = LOCAL.call("POST", "/api/runs", "application/json", json);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = JSON.readTree(created.body());
        assertEquals("/api/runs?tag=sweep-" + body.path("sweep").asLong(), created.headers().firstValue("location").orElse(""));
        return body;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = LOCAL.call("GET", path, "application/json", null);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The text of a run's log, as the simulation sent it with its stop: a file in the bucket's folder. */
    private static String log(long id) throws IOException {
        Path logs = LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET")).resolve("logs").resolve(Long.toString(id));
        try (Stream<Path> files = Files.list(logs)) {
            List<Path> found = files.filter(Files::isRegularFile).toList();
            assertEquals(1, found.size(), "one log of run " + id + ": " + found);
            return Files.readString(found.getFirst());
        }
    }

    @Test
    void aDispatchedGridRunsOneSimulationPerCombinationWithItsOwnParams() throws Exception {
        JsonNode body = sweep("""
                {"name": "hello-sweep", "command": "sh infra/simulations/hello.sh", "params": {"steps": 3},
                 "grid": {"lr": [0.1, 0.01]}, "tags": ["e2e"]}""");
        assertEquals(2, body.path("count").asInt());
        assertFalse(body.has("warnings"), body.toString());

        List<Long> ids = new ArrayList<>();
        body.path("runs").forEach(run -> ids.add(run.path("id").asLong()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (long id : ids) {
            JsonNode run = get("/api/run/" + id);
            while (!Set.of("FINISHED", "FAILED").contains(run.path("status").asText()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                run = get("/api/run/" + id);
            }
            assertEquals("FINISHED", run.path("status").asText(), run.toString());
            assertEquals("[\"e2e\",\"sweep-" + ids.getFirst() + "\"]", run.path("tags").toString());
        }
        // hello.sh logs LACKEY_PARAMS: each simulation got its own combination
        assertTrue(log(ids.get(0)).contains("\"lr\":0.1}") && log(ids.get(0)).contains("\"steps\":3"), log(ids.get(0)));
        assertTrue(log(ids.get(1)).contains("\"lr\":0.01}"), log(ids.get(1)));
    }

    @Test
    void aTrackedGridIsListedUnderItsTagAndEachRunStartsWithItsOwnToken() throws Exception {
        JsonNode body = sweep("{\"name\": \"tracked-sweep\", \"grid\": {\"lr\": [0.1, 0.01], \"layers\": [2, 4, 8]}}");
        long first = body.path("sweep").asLong();
        assertEquals(6, body.path("count").asInt());

        JsonNode page = get("/api/runs?tag=sweep-" + first + "&limit=10");
        Set<Long> listed = new HashSet<>();
        page.path("runs").forEach(run -> listed.add(run.path("id").asLong()));
        assertEquals(Set.of(first, first + 1, first + 2, first + 3, first + 4, first + 5), listed);

        long ts = System.currentTimeMillis() / 1000;
        for (JsonNode run : body.path("runs")) {
            long id = run.path("id").asLong();
            HttpResponse<String> started = LOCAL.call("PUT", "/api/run/start/" + id, "application/x-www-form-urlencoded",
                    "token=" + run.path("token").asText() + "&ts=" + ts);
            assertEquals(200, started.statusCode(), started.body());
        }
        JsonNode last = get("/api/run/" + (first + 5));
        assertEquals("RUNNING", last.path("status").asText());
        assertEquals(0.01, last.path("params").path("lr").asDouble());
        assertEquals(8, last.path("params").path("layers").asInt());
    }

    @Test
    void anEmptySweepIsRefusedWithTheUsualErrorDocument() throws Exception {
        HttpResponse<String> refused = LOCAL.call("POST", "/api/runs", "application/json", "{\"name\": \"empty\", \"runs\": []}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_input", JSON.readTree(refused.body()).path("error").asText());
    }
}
