package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/runs} through the local cloud as a user meets it: runs scheduled and started with curl,
 * then listed with curl and java.net.http over the local API Gateway, its ListRunsFunction, and dynalite's
 * copy of the template's listing indexes.
 */
class RunListingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path home;

    private static LocalCloud cloud;
    private static String api;
    /** The ids of the runs scheduled for these tests, oldest first, and when scheduling began. */
    private static final List<Long> scheduled = new ArrayList<>();
    private static Instant before;
    private static String runningToken;

    @BeforeAll
    static void startLocalCloudAndScheduleRuns() throws Exception {
        cloud = LocalCloud.start(LocalCloudIT.options(home)); // free ports, this test's home
        api = cloud.apiUrl().toString();
        before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 7; i++) {
            String tags = i % 3 == 0 ? "&tags=nightly,gpu" : "&tags=adhoc";
            JsonNode run = JSON.readTree(curl("curl -s -X POST -d \"name=e2e-" + i + tags + "\" " + api + "/api/run"));
            scheduled.add(run.path("id").asLong());
            if (i == 4) {
                runningToken = run.path("token").asText();
            }
        }
        String started = curl("curl -s -X PUT -d \"token=" + runningToken + "&ts=" + Instant.now().getEpochSecond() + "\" "
                + api + "/api/run/start/" + scheduled.get(4));
        assertEquals("RUNNING", JSON.readTree(started).path("status").asText(), started);
    }

    @AfterAll
    static void stopLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void curlPagesThroughRunsNewestFirstFollowingTheCursor() throws Exception {
        List<Long> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            String url = api + "/api/runs?name=e2e-&limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = JSON.readTree(curl("curl -s '" + url + "'"));
            page.path("runs").forEach(run -> seen.add(run.path("id").asLong()));
            sizes.add(page.path("runs").size());
            cursor = page.hasNonNull("cursor") ? page.get("cursor").asText() : null;
        } while (cursor != null);
        assertEquals(scheduled.reversed(), seen, "every run once, newest first");
        assertEquals(List.of(3, 3, 1), sizes);
        assertEquals(seen.size(), new HashSet<>(seen).size());
    }

    @Test
    void statusTagAndTimeFiltersSelectOverHttp() throws Exception {
        JsonNode running = get("/api/runs?status=RUNNING&name=e2e-");
        assertEquals(List.of(scheduled.get(4)), ids(running));
        assertEquals("RUNNING", running.at("/runs/0/status").asText());
        assertEquals(List.of(scheduled.get(6), scheduled.get(3), scheduled.get(0)), ids(get("/api/runs?tag=gpu&name=e2e-")));
        assertEquals(6, ids(get("/api/runs?status=SCHEDULED&name=e2e-")).size());

        // an offset's "+" must be encoded in a query string: --data-urlencode with -G does it
        String from = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(before.atOffset(ZoneOffset.ofHours(2)));
        JsonNode window = JSON.readTree(curl("curl -s -G --data-urlencode 'from=" + from + "' --data-urlencode 'name=e2e-' "
                + api + "/api/runs"));
        assertEquals(scheduled.reversed(), ids(window));
        JsonNode past = get("/api/runs?name=e2e-&to=" + before.getEpochSecond());
        assertEquals(List.of(), ids(past), "nothing was scheduled before the tests began");
        assertFalse(past.has("cursor"), "an empty last page has no cursor");
    }

    @Test
    void badParametersAreJson400s() throws Exception {
        for (String query : List.of("cursor=bm9wZQ", "limit=0", "limit=1001", "status=DONE", "from=tomorrow", "sort=name")) {
            HttpResponse<String> response = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/runs?" + query))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(400, response.statusCode(), query + " -> " + response.body());
            assertEquals("invalid_input", JSON.readTree(response.body()).path("error").asText(), query);
        }
    }

    @Test
    void aListedRunIsTheRunGetShows() throws Exception {
        long id = scheduled.get(4);
        JsonNode listed = get("/api/runs?status=RUNNING&name=" + URLEncoder.encode("e2e-4", StandardCharsets.UTF_8)).at("/runs/0");
        assertEquals(get("/api/run/" + id), listed);
        assertFalse(listed.toString().contains(runningToken), "never the token");
        assertTrue(listed.has("startedReceivedAt"));
    }

    // ---- helpers

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(200, response.statusCode(), path + " -> " + response.body());
        return JSON.readTree(response.body());
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.path("runs").forEach(run -> ids.add(run.path("id").asLong()));
        return ids;
    }

    /** Runs a curl command line with the real curl binary, through sh as a user's shell would; returns stdout. */
    private static String curl(String commandLine) throws Exception {
        return Curl.run(commandLine, URI.create(api)).stdout();
    }
}
