package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import lackey.emulators.ProjectLayout;
import lackey.local.LocalCloud;

/**
 * The warm path through the local API: latency of the simulation's start and stop calls ({@code PUT
 * /api/run/start/{id}}, {@code PUT /api/run/stop/{id}}) over HTTP, through the local API Gateway, the functions'
 * packages in warm execution environments (at most {@code LOCAL_CONCURRENCY} per function, as the local cloud runs
 * them) and the emulators, under 1, 8 and 32 concurrent clients. Warm-up calls at the highest concurrency start the
 * environments first, so the figures hold no cold start. Run with {@code ./lackey bench api [calls]}; it prints a
 * Markdown table.
 */
public final class ApiLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] CLIENTS = {1, 8, 32};

    private ApiLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        Path root = ProjectLayout.find().root();
        Path home = Files.createTempDirectory("lackey-bench-api-");
        PrintStream out = System.out;
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        String loadBefore = Machine.load();
        var options = new LocalCloud.Options(root, home, root, 0, 0, 0, 0, System.getProperty("java.class.path"), quiet);
        try (LocalCloud cloud = LocalCloud.start(options)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            int needed = 64 + calls * CLIENTS.length;
            List<JsonNode> runs = schedule(http, cloud.apiUrl(), needed);
            AtomicInteger next = new AtomicInteger();
            measure(http, cloud.apiUrl(), runs, next, 64, 32);  // warm-up: the environments start here
            out.printf("%nWarm start and stop through the local API, %d calls per level. %s; load %s before, %s after.%n%n",
                    calls, Machine.describe(), loadBefore, Machine.load());
            out.println("| clients | start p50 ms | start p99 ms | stop p50 ms | stop p99 ms | calls/s |");
            out.println("|---:|---:|---:|---:|---:|---:|");
            for (int clients : CLIENTS) {
                Result result = measure(http, cloud.apiUrl(), runs, next, calls, clients);
                out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.0f |%n", clients,
                        percentile(result.start(), 50), percentile(result.start(), 99),
                        percentile(result.stop(), 50), percentile(result.stop(), 99), result.callsPerSecond());
            }
        }
    }

    private record Result(List<Double> start, List<Double> stop, double callsPerSecond) {
    }

    // One sweep schedules every run the benchmark needs: ids and tokens in one answer.
    private static List<JsonNode> schedule(HttpClient http, URI api, int count) throws Exception {
        StringBuilder body = new StringBuilder("{\"name\":\"bench-api\",\"runs\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"n\":\"").append(i).append("\"}");
        }
        body.append("]}");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/api/runs"))
                .timeout(Duration.ofMinutes(3)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/runs answered " + response.statusCode() + ": " + response.body());
        }
        List<JsonNode> runs = new ArrayList<>();
        JSON.readTree(response.body()).path("runs").forEach(runs::add);
        return runs;
    }

    private static Result measure(HttpClient http, URI api, List<JsonNode> runs, AtomicInteger next, int calls, int clients)
            throws Exception {
        ConcurrentLinkedQueue<Double> starts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> stops = new ConcurrentLinkedQueue<>();
        AtomicInteger left = new AtomicInteger(calls);
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(clients);
        long begin = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    try {
                        while (left.getAndDecrement() > 0) {
                            JsonNode run = runs.get(next.getAndIncrement());
                            long id = run.path("id").asLong();
                            String token = URLEncoder.encode(run.path("token").asText(), StandardCharsets.UTF_8);
                            long ts = System.currentTimeMillis() / 1000;
                            starts.add(call(http, api.resolve("/api/run/start/" + id), "token=" + token + "&ts=" + ts));
                            stops.add(call(http, api.resolve("/api/run/stop/" + id), "token=" + token + "&ts=" + ts + "&log=done"));
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                    return null;
                });
            }
            done.await();
        }
        if (!failures.isEmpty()) {
            IllegalStateException failed = new IllegalStateException(failures.size() + " of " + clients
                    + " clients failed; every call must answer 200");
            failures.forEach(failed::addSuppressed);
            throw failed;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(new ArrayList<>(starts), new ArrayList<>(stops), (starts.size() + stops.size()) / seconds);
    }

    private static double call(HttpClient http, URI uri, String form) throws Exception {
        long begin = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header("content-type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - begin) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return millis;
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
