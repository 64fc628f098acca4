package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * The API calls the dashboard's browser tests make to set the scene, as an operator and as a simulation would:
 * schedule, start, heartbeat and stop with the run's token, read a run.
 */
final class ApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunningLocalCloud local;

    ApiCalls(RunningLocalCloud local) {
        this.local = local;
    }

    /** A run scheduled with this JSON body; the answer carries its id and token. */
    JsonNode schedule(String json) throws Exception {
        return expect(201, local.call("POST", "/api/run", "application/json", json));
    }

    /** A sweep scheduled with this JSON body: {sweep, tag, count, runs: [{id, token}]}. */
    JsonNode sweep(String json) throws Exception {
        return expect(201, local.call("POST", "/api/runs", "application/json", json));
    }

    JsonNode start(JsonNode run, long ts) throws Exception {
        return put("/api/run/start/" + run.path("id").asLong(), form("token", run.path("token").asText(), "ts", Long.toString(ts)));
    }

    JsonNode heartbeat(JsonNode run, long ts, int progress, String message) throws Exception {
        return put("/api/run/heartbeat/" + run.path("id").asLong(), form("token", run.path("token").asText(),
                "ts", Long.toString(ts), "progress", Integer.toString(progress), "message", message));
    }

    JsonNode stop(JsonNode run, long ts, int exit, String log) throws Exception {
        return put("/api/run/stop/" + run.path("id").asLong(), form("token", run.path("token").asText(),
                "ts", Long.toString(ts), "exit", Integer.toString(exit), "log", log));
    }

    JsonNode get(long id) throws Exception {
        return expect(200, local.call("GET", "/api/run/" + id, null));
    }

    /** The API's answer to a GET that fails, as the page should show it. */
    JsonNode error(String path) throws Exception {
        HttpResponse<String> response = local.call("GET", path, null);
        if (response.statusCode() < 400) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Waits until the run is in one of the statuses, and returns it. */
    JsonNode awaitStatus(long id, Set<String> statuses, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        JsonNode run = get(id);
        while (!statuses.contains(run.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            run = get(id);
        }
        if (!statuses.contains(run.path("status").asText())) {
            throw new AssertionError("run " + id + " is not " + statuses + " after " + patience + ": " + run);
        }
        return run;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static String form(String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!form.isEmpty()) {
                form.append('&');
            }
            form.append(namesAndValues[i]).append('=').append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private JsonNode put(String path, String form) throws Exception {
        return expect(200, local.call("PUT", path, form));
    }

    private static JsonNode expect(int status, HttpResponse<String> response) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
