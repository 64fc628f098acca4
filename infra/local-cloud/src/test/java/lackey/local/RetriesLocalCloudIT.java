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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries that race their original, over HTTP in the local cloud: the same start, and then the same stop with
 * a log, sent from several threads at once, round after round, all answer 200 with the same run, and exactly
 * one log remains; the same calls with different fields racing each other have exactly one winner.
 */
class RetriesLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 10;
    private static final int CONTENDERS = 8;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(CONTENDERS);

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
        System.out.println("RetriesLocalCloudIT: at most " + mostInFlight + " of " + CONTENDERS + " racing calls in flight at once");
    }

    record Run(long id, String token) {
    }

    private static Run schedule(String name) throws Exception {
        var scheduled = LOCAL.call("POST", "/api/run", "name=" + name);
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        JsonNode body = JSON.readTree(scheduled.body());
        return new Run(body.path("id").asLong(), body.path("token").asText());
    }

    /** One contender's answer, and when (System.nanoTime) it sent its call and got the answer. */
    private record Timed(HttpResponse<String> answer, long sent, long answered) {
    }

    /**
     * The same moment for every contender: each sends {@code form.apply(n)} to the path once the gate opens.
     * Records how many calls were in flight when the first answer came back; {@link #theRoundsRaced} checks
     * that some rounds really raced (on a busy machine a single round may not overlap at all).
     */
    private static List<HttpResponse<String>> race(String path, IntFunction<String> form) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Callable<Timed>> calls = new ArrayList<>();
        for (int n = 0; n < CONTENDERS; n++) {
            String body = form.apply(n);
            calls.add(() -> {
                gate.await();
                long sent = System.nanoTime();
                var answer = LOCAL.call("PUT", path, body);
                return new Timed(answer, sent, System.nanoTime());
            });
        }
        List<Future<Timed>> futures = calls.stream().map(POOL::submit).toList();
        gate.countDown();
        List<Timed> timed = new ArrayList<>();
        for (Future<Timed> future : futures) {
            timed.add(future.get());
        }
        long firstAnswer = timed.stream().mapToLong(Timed::answered).min().orElseThrow();
        long inFlight = timed.stream().filter(t -> t.sent() < firstAnswer).count();
        mostInFlight = Math.max(mostInFlight, inFlight);
        if (inFlight >= 2) {
            overlappingRaces++;
        }
        return timed.stream().map(Timed::answer).toList();
    }

    private static long mostInFlight;
    private static int overlappingRaces;

    /** Each test's rounds must have raced for real: the calls of at least one round overlapped. */
    @org.junit.jupiter.api.AfterEach
    void theRoundsRaced() {
        assertTrue(overlappingRaces > 0, "no round's calls overlapped: the race was never run");
        overlappingRaces = 0;
    }

    private static List<Path> logFiles(long id) throws Exception {
        Path folder = LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET"))
                .resolve("logs").resolve(Long.toString(id));
        try (var files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String get(long id) throws Exception {
        var answer = LOCAL.call("GET", "/api/run/" + id, null);
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theSameStartAndStopRacingThemselvesAllAnswerTheSameRunAndLeaveOneLog() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            var run = schedule("retry-race-" + round);
            long ts = System.currentTimeMillis() / 1000;
            String start = "token=" + run.token() + "&ts=" + ts;
            List<HttpResponse<String>> starts = race("/api/run/start/" + run.id(), n -> start);
            for (var answer : starts) {
                assertEquals(200, answer.statusCode(), "round " + round + ": " + answer.body());
                assertEquals(starts.getFirst().body(), answer.body(), "round " + round + ": every start answers the same run");
            }
            assertEquals("RUNNING", JSON.readTree(starts.getFirst().body()).path("status").asText());

            String log = ("round " + round + " of a simulation log, sent by every retry alike\n").repeat(200);
            String stop = "token=" + run.token() + "&ts=" + (ts + 5) + "&exit=0&log=" + URLEncoder.encode(log, StandardCharsets.UTF_8);
            List<HttpResponse<String>> stops = race("/api/run/stop/" + run.id(), n -> stop);
            for (var answer : stops) {
                assertEquals(200, answer.statusCode(), "round " + round + ": " + answer.body());
                assertEquals(stops.getFirst().body(), answer.body(), "round " + round + ": every stop answers the same run");
            }

            JsonNode stopped = JSON.readTree(get(run.id()));
            assertEquals(JSON.readTree(stops.getFirst().body()), stopped, "the run is what every stop said");
            assertEquals("FINISHED", stopped.path("status").asText());
            assertEquals(ts, stopped.path("started").asLong());
            assertEquals(5, stopped.path("duration").asLong());
            List<Path> logs = logFiles(run.id());
            assertEquals(1, logs.size(), "round " + round + ": exactly one log remains: " + logs);
            assertTrue(stopped.path("log").path("location").asText().endsWith("/" + logs.getFirst().getFileName()), stopped.toString());
            assertEquals(log, Files.readString(logs.getFirst()));
            assertEquals(sha256(log.getBytes(StandardCharsets.UTF_8)), stopped.path("log").path("sha256").asText());
        }
    }

    @Test
    void callsThatDifferRacingEachOtherHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            var run = schedule("differing-race-" + round);
            long ts = System.currentTimeMillis() / 1000;
            List<HttpResponse<String>> starts = race("/api/run/start/" + run.id(), n -> "token=" + run.token() + "&ts=" + (ts + n));
            HttpResponse<String> started = onlyWinner(starts, "round " + round + ", start");

            List<HttpResponse<String>> stops = race("/api/run/stop/" + run.id(),
                    n -> "token=" + run.token() + "&ts=" + (ts + 100) + "&log=contender%20" + n);
            HttpResponse<String> stopped = onlyWinner(stops, "round " + round + ", stop");

            JsonNode view = JSON.readTree(get(run.id()));
            assertEquals(JSON.readTree(started.body()).path("started"), view.path("started"));
            assertEquals(JSON.readTree(stopped.body()), view, "the run is what the winning stop said");
            List<Path> logs = logFiles(run.id());
            assertEquals(1, logs.size(), "round " + round + ": only the winner's log remains: " + logs);
            assertEquals(view.path("log").path("sha256").asText(), sha256(Files.readAllBytes(logs.getFirst())));
        }
    }

    /** Exactly one 200; every other answer a 409 saying it differs from the call that was applied. */
    private static HttpResponse<String> onlyWinner(List<HttpResponse<String>> answers, String what) throws Exception {
        List<HttpResponse<String>> won = answers.stream().filter(a -> a.statusCode() == 200).toList();
        assertEquals(1, won.size(), what + ": " + answers.stream().map(HttpResponse::body).toList());
        for (var answer : answers) {
            if (answer != won.getFirst()) {
                assertEquals(409, answer.statusCode(), what + ": " + answer.body());
                JsonNode problem = JSON.readTree(answer.body());
                assertEquals("wrong_state", problem.path("error").asText());
                assertTrue(problem.path("message").asText().contains("differs from this one"), problem.toString());
            }
        }
        return won.getFirst();
    }
}
