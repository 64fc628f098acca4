package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The HTTP API as the load tests' clients call it: every call is timed and counted under its kind ({@code start},
 * {@code stop} …) with its status, and handed to a check (the tests hold each answer to openapi.yaml). A call that
 * gets no answer at all counts under status 0.
 */
public final class LoadClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: its status and body, parsed when it is JSON ({@code null} node otherwise). */
    public record Answer(int status, JsonNode body, String raw) {
    }

    /** How one kind of call went: answers by status, and every call's latency. */
    public static final class Calls {
        private final Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());

        void add(int status, long elapsed) {
            statuses.merge(status, 1, Integer::sum);
            nanos.add(elapsed);
        }

        public int count() {
            return nanos.size();
        }

        /** Answers by status, e.g. {@code {200=990, 409=10}}. */
        public Map<Integer, Integer> statuses() {
            return new TreeMap<>(statuses);
        }

        /** Calls answered 5xx, or not at all. */
        public int serverErrors() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500 || e.getKey() == 0)
                    .mapToInt(Map.Entry::getValue).sum();
        }

        /** The latency at {@code share} (0.5 is the median), in milliseconds: nearest rank. */
        public double percentileMillis(double share) {
            List<Long> sorted;
            synchronized (nanos) {
                sorted = nanos.stream().sorted().toList();
            }
            return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(share * sorted.size()) - 1)) / 1e6;
        }
    }

    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Consumer<HttpResponse<String>> check;
    private final Map<String, Calls> calls = new ConcurrentHashMap<>();

    /**
     * @param api   the API's base URL, e.g. {@code http://127.0.0.1:8000}
     * @param check looks at every answer (and may throw, which fails the call's caller)
     */
    public LoadClient(URI api, Consumer<HttpResponse<String>> check) {
        this.api = api;
        this.check = check;
    }

    /** A form-encoded call (or one without a body, for {@code null}), timed under {@code kind}. */
    public Answer form(String kind, String method, String path, Map<String, String> fields) {
        String body = fields == null ? null : fields.entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return call(kind, method, path, "application/x-www-form-urlencoded", body);
    }

    /** A JSON call, timed under {@code kind}. */
    public Answer json(String kind, String method, String path, String body) {
        return call(kind, method, path, "application/json", body);
    }

    private Answer call(String kind, String method, String path, String contentType, String body) {
        var request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(180))
                .header("content-type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        long begin = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            calls(kind).add(0, System.nanoTime() - begin);
            return new Answer(0, NullNode.getInstance(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + kind, e);
        }
        calls(kind).add(response.statusCode(), System.nanoTime() - begin);
        check.accept(response);
        JsonNode parsed;
        try {
            parsed = JSON.readTree(response.body());
        } catch (IOException e) {
            parsed = NullNode.getInstance();
        }
        return new Answer(response.statusCode(), parsed == null ? NullNode.getInstance() : parsed, response.body());
    }

    /**
     * A GET of an absolute URL that is not the API's (a presigned S3 link), timed under {@code kind}; not handed to
     * the check, which knows the API only.
     */
    public Answer download(String kind, String url) {
        long begin = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            calls(kind).add(response.statusCode(), System.nanoTime() - begin);
            return new Answer(response.statusCode(), NullNode.getInstance(), response.body());
        } catch (IOException | IllegalArgumentException e) {
            calls(kind).add(0, System.nanoTime() - begin);
            return new Answer(0, NullNode.getInstance(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + kind, e);
        }
    }

    /** The calls of one kind made so far. */
    public Calls calls(String kind) {
        return calls.computeIfAbsent(kind, k -> new Calls());
    }

    /** Every kind of call made so far, by name. */
    public Map<String, Calls> allCalls() {
        return new TreeMap<>(calls);
    }

    /**
     * Prints a table of the calls: kind, count, answers by status, calls per second over {@code wall}, and p50 and
     * p99 latency.
     */
    public static void printTable(PrintStream out, Map<String, Calls> calls, List<String> order, Duration wall) {
        out.printf("%-12s %8s %9s %9s %9s %9s  %s%n", "call", "count", "calls/s", "p50 ms", "p99 ms", "5xx", "answers");
        for (String kind : order) {
            Calls of = calls.get(kind);
            if (of == null) {
                continue;
            }
            out.printf("%-12s %,8d %9.1f %9.1f %9.1f %9d  %s%n", kind, of.count(), of.count() / (wall.toNanos() / 1e9),
                    of.percentileMillis(0.5), of.percentileMillis(0.99), of.serverErrors(), of.statuses());
        }
    }
}
