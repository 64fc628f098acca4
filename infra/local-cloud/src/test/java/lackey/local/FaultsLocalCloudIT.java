package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outages in the running local cloud, over HTTP: dynalite and S3Proxy killed as a crash would kill them and
 * started again on their data, and a "Run Scheduled" event delivered twice. While a service is gone, the calls
 * that need it answer 503 {@code unavailable} with {@code Retry-After}; once it is back the same calls converge,
 * and what was stored before the crash is there. A simulation launched twice runs once: its start is the fence.
 */
class FaultsLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOG = "step 1\nstep 2\n";

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    record Run(long id, String token) {
    }

    private static Run running(String name) throws Exception {
        var scheduled = LOCAL.call("POST", "/api/run", "name=" + name);
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        JsonNode body = JSON.readTree(scheduled.body());
        Run run = new Run(body.path("id").asLong(), body.path("token").asText());
        var started = LOCAL.call("PUT", "/api/run/start/" + run.id(), "token=" + run.token() + "&ts=" + now());
        assertEquals(200, started.statusCode(), started.body());
        return run;
    }

    private static void assertUnavailable(HttpResponse<String> answer) throws Exception {
        assertEquals(503, answer.statusCode(), answer.body());
        assertEquals("unavailable", JSON.readTree(answer.body()).path("error").asText(), answer.body());
        assertEquals("5", answer.headers().firstValue("retry-after").orElse(null), "Retry-After: " + answer.headers().map());
    }

    @Test
    void aKilledDynamoDbIsA503UntilItIsStartedAgainOnItsDataAndThenTheSameStopConverges() throws Exception {
        Run run = running("killed-dynamodb");
        String stop = "token=" + run.token() + "&ts=" + now() + "&exit=0&log=" + form(LOG);

        LOCAL.cloud().killDynamoDb();
        try {
            assertUnavailable(LOCAL.call("GET", "/api/run/" + run.id(), null));
            assertUnavailable(LOCAL.call("PUT", "/api/run/heartbeat/" + run.id(), "token=" + run.token() + "&ts=" + now()));
            assertUnavailable(LOCAL.call("PUT", "/api/run/stop/" + run.id(), stop));
            assertUnavailable(LOCAL.call("POST", "/api/run", "name=during-the-outage"));
            assertUnavailable(LOCAL.call("GET", "/api/runs?limit=5", null));
        } finally {
            LOCAL.cloud().restartDynamoDb();
        }

        JsonNode kept = JSON.readTree(LOCAL.call("GET", "/api/run/" + run.id(), null).body());
        assertEquals("RUNNING", kept.path("status").asText(), "the start written before the crash is there: " + kept);
        var stopped = LOCAL.call("PUT", "/api/run/stop/" + run.id(), stop);
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertEquals("FINISHED", JSON.readTree(stopped.body()).path("status").asText());
        assertEquals(LOG, log(run.id()), "the log the run names is there, whole");
    }

    @Test
    void aKilledS3IsA503ForAStopWithItsLogUntilItIsStartedAgainAndThenTheSameStopConverges() throws Exception {
        Run run = running("killed-s3");
        String stop = "token=" + run.token() + "&ts=" + now() + "&exit=0&log=" + form(LOG);

        LOCAL.cloud().killS3();
        try {
            assertUnavailable(LOCAL.call("PUT", "/api/run/stop/" + run.id(), stop));
            JsonNode during = JSON.readTree(LOCAL.call("GET", "/api/run/" + run.id(), null).body());
            assertEquals("RUNNING", during.path("status").asText(), "the stop waits for its log: nothing changed");
        } finally {
            LOCAL.cloud().restartS3();
        }

        var stopped = LOCAL.call("PUT", "/api/run/stop/" + run.id(), stop);
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertEquals(LOG, log(run.id()));
    }

    @Test
    void aRunScheduledDeliveredTwiceLaunchesTwoContainersOfWhichOnlyOneRunsTheSimulation() throws Exception {
        LOCAL.cloud().eventBus().deliverTwice("Run Scheduled", 1);
        var scheduled = LOCAL.call("POST", "/api/run", "name=twice&command=" + form("sh infra/simulations/hello.sh"));
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        long id = JSON.readTree(scheduled.body()).path("id").asLong();

        JsonNode run = JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
        for (int i = 0; i < 100 && !run.path("status").asText().equals("FINISHED"); i++) {
            Thread.sleep(200);
            run = JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
        }
        assertEquals("FINISHED", run.path("status").asText(), run.toString());
        for (int i = 0; i < 50 && LOCAL.cloud().runningSimulations().size() > 0; i++) {
            Thread.sleep(100); // the second container exits once its start is refused
        }
        String output = LOCAL.output(id);
        assertEquals(1, count(output, "returned error: 409"), "the second container's start was refused:\n" + output);
        try (var logs = Files.list(logsOf(id))) {
            assertEquals(1, logs.count(), "one container stopped the run, with its log");
        }
        String log = log(id);
        assertEquals(1, count(log, "hello from run " + id), "one container ran the simulation:\n" + log);
        assertTrue(log.contains("task: " + run.path("taskArn").asText()), "the run names the task that ran it:\n" + log);
    }

    private static String log(long id) throws Exception {
        var link = LOCAL.call("GET", "/api/run/" + id + "/log", null);
        assertEquals(302, link.statusCode(), link.body());
        var client = java.net.http.HttpClient.newHttpClient();
        var log = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.headers().firstValue("location").orElseThrow()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, log.statusCode(), log.body());
        return log.body();
    }

    private static Path logsOf(long id) {
        return LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET"))
                .resolve("logs").resolve(Long.toString(id));
    }

    private static int count(String text, String part) {
        return (text.length() - text.replace(part, "").length()) / part.length();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
