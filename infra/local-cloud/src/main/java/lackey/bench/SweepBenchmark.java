package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import lackey.emulators.ProjectLayout;
import lackey.local.LocalCloud;

/**
 * Time to schedule a sweep of 10,000 runs in the local cloud: starts a local cloud on free ports with a fresh
 * home, then POSTs a 100 × 100 grid to {@code /api/runs} over HTTP, through the local API Gateway,
 * ScheduleSweepFunction (in its function host, with the template's Timeout and MemorySize), dynalite and the
 * local bus, a few times in a row; prints each wall time and the median. The runs are tracked only (no
 * command): dispatched ones would start 10,000 local processes. Run it with {@code ./lackey bench sweep [runs] [rounds]}.
 */
public final class SweepBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = ProjectLayout.find().root();
        Path home = Files.createTempDirectory("lackey-bench-sweep-");
        // The function hosts print a REPORT line per call on standard output: keep the table readable.
        PrintStream out = System.out;
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        System.setOut(quiet);
        var options = new LocalCloud.Options(root, home, root, 0, 0, 0, 0, System.getProperty("java.class.path"), quiet);
        long startAt = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.start(options)) {
            out.printf("local cloud up in %.1f s (home %s)%n", (System.nanoTime() - startAt) / 1e9, home);
            String body = grid(runs);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = cloud.apiUrl().resolve("/api/runs");

            out.printf("%nPOST /api/runs over HTTP, a grid of %,d tracked runs, %d rounds (JDK %s, %d cores)%n",
                    runs, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
            out.printf("%-6s %10s %12s %10s %14s%n", "round", "wall s", "runs/s", "ids", "answer bytes");
            List<Long> nanos = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long begin = System.nanoTime();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(180))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                long elapsed = System.nanoTime() - begin;
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("round " + round + " answered " + response.statusCode() + ": "
                            + response.body().substring(0, Math.min(500, response.body().length())));
                }
                JsonNode answer = JSON.readTree(response.body());
                if (answer.path("count").asInt() != runs || answer.path("runs").size() != runs || answer.has("warnings")) {
                    throw new IllegalStateException("round " + round + ": unexpected answer " + answer.path("count")
                            + " runs, warnings " + answer.path("warnings"));
                }
                long first = answer.path("sweep").asLong();
                nanos.add(elapsed);
                out.printf("%-6d %10.2f %,12.0f %10s %,14d%n", round, elapsed / 1e9, runs / (elapsed / 1e9),
                        first + "–" + (first + runs - 1), response.body().length());
            }
            List<Long> sorted = nanos.stream().sorted().toList();
            double median = sorted.get((sorted.size() - 1) / 2) / 1e9;
            out.printf("%-6s %10.2f %,12.0f%n", "median", median, runs / median);
        } finally {
            delete(home);
        }
    }

    /** A grid of about {@code runs} runs: two params of 100 values each for 10,000. */
    static String grid(int runs) {
        int side = (int) Math.ceil(Math.sqrt(runs));
        int other = (int) Math.ceil((double) runs / side);
        if ((long) side * other != runs) {
            // not a product of two sides: one param of that many values
            return "{\"name\":\"bench-sweep\",\"tags\":[\"bench\"],\"grid\":{\"seed\":" + values(runs) + "}}";
        }
        return "{\"name\":\"bench-sweep\",\"tags\":[\"bench\"],\"params\":{\"steps\":1000},\"grid\":{\"lr\":"
                + IntStream.range(0, side).mapToObj(i -> "0." + String.format("%04d", i + 1)).collect(Collectors.joining(",", "[", "]"))
                + ",\"seed\":" + values(other) + "}}";
    }

    private static String values(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static void delete(Path home) {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + home, e);
        }
    }
}
