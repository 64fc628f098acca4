package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import lackey.aws.RunImport;
import lackey.emulators.ProjectLayout;
import lackey.local.LocalCloud;
import lackey.run.ClientTime;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunSpec;
import lackey.run.RunStatus;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Listing 50 runs out of 100,000 in the local cloud: starts a local cloud on free ports with a fresh home,
 * writes 100,000 runs straight into its table (BatchWriteItem, the items the API writes), then times
 * {@code GET /api/runs} over HTTP through the local API Gateway, ListRunsFunction and dynalite: 20 calls per
 * query after warm-up, median and p90. Run it with {@code ./lackey bench list [runs]}.
 *
 * <p>Of the runs, 1% are RUNNING, 10% are named {@code eval-…} (the rest {@code train-…}), and 0.1% carry the
 * tag {@code rare}; they were scheduled one a second, the newest an hour ago.
 */
public final class ListingBenchmark {

    private static final int CALLS = 20;
    private static final int WARM_UP = 10;
    private static final int WRITERS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ListingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path root = ProjectLayout.find().root();
        Path home = Files.createTempDirectory("lackey-bench-list-");
        // Function hosts forward their output here, and a REPORT line per call on standard error: keep the
        // table readable, but let anything else on standard error (a failure) through.
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        System.setErr(withoutReportLines(System.err));
        Path cloudLog = Files.createTempFile("lackey-bench-list-", ".log");
        PrintStream log = new PrintStream(Files.newOutputStream(cloudLog), true);
        var options = new LocalCloud.Options(root, home, root, 0, 0, 0, 0, System.getProperty("java.class.path"), log);
        long startAt = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.start(options)) {
            out.printf("local cloud up in %.1f s (home %s)%n", (System.nanoTime() - startAt) / 1e9, home);
            long seedAt = System.nanoTime();
            seed(cloud, count);
            double seconds = (System.nanoTime() - seedAt) / 1e9;
            out.printf("seeded %,d runs with BatchWriteItem in %.1f s (%,.0f runs/s)%n", count, seconds, count / seconds);

            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("GET /api/run/{id}, scale", "/api/run/" + count / 2); // one GetItem, for scale
            queries.put("newest 50", "/api/runs?limit=50");
            queries.put("status=RUNNING (1%)", "/api/runs?status=RUNNING&limit=50");
            queries.put("name=eval- (10%)", "/api/runs?name=eval-&limit=50");
            queries.put("name=eval-1000 (0.01%)", "/api/runs?name=eval-1000&limit=50");
            queries.put("tag=rare (0.1%)", "/api/runs?tag=rare&limit=50");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            out.printf("%nGET /api/runs over HTTP, %,d runs in the table, %d calls after %d warm-up (JDK %s, %d cores)%n",
                    count, CALLS, WARM_UP, Runtime.version(), Runtime.getRuntime().availableProcessors());
            out.printf("%-24s %6s %8s %10s %10s %10s%n", "query", "runs", "cursor", "first ms", "median ms", "p90 ms");
            for (var query : queries.entrySet()) {
                URI uri = cloud.apiUrl().resolve(query.getValue());
                long first = call(http, uri).nanos;
                for (int i = 1; i < WARM_UP; i++) {
                    call(http, uri);
                }
                List<Long> nanos = new ArrayList<>();
                Call last = null;
                for (int i = 0; i < CALLS; i++) {
                    last = call(http, uri);
                    nanos.add(last.nanos);
                }
                nanos.sort(Comparator.naturalOrder());
                out.printf("%-24s %6d %8s %10.1f %10.1f %10.1f%n", query.getKey(), last.runs, last.cursor ? "yes" : "no",
                        first / 1e6, rank(nanos, 0.5) / 1e6, rank(nanos, 0.9) / 1e6);
            }
        } catch (Exception | Error e) {
            log.close();
            out.println("failed; the local cloud's log is kept in " + cloudLog);
            throw e;
        } finally {
            delete(home);
        }
        log.close();
        Files.deleteIfExists(cloudLog);
    }

    /** {@code err} without the REPORT line a function host prints per call. */
    static PrintStream withoutReportLines(PrintStream err) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    if (!line.toString(StandardCharsets.UTF_8).contains("] REPORT RequestId: ")) {
                        err.write(line.toByteArray(), 0, line.size());
                    }
                    line.reset();
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    private record Call(long nanos, int runs, boolean cursor) {
    }

    private static Call call(HttpClient http, URI uri) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - begin;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode page = JSON.readTree(response.body());
        return new Call(nanos, page.has("runs") ? page.path("runs").size() : 1, page.hasNonNull("cursor"));
    }

    /** Nearest rank: the smallest value with at least {@code share} of the values at or below it. */
    private static long rank(List<Long> sorted, double share) {
        return sorted.get((int) Math.ceil(share * sorted.size()) - 1);
    }

    /** Writes the runs with a few writers side by side; RunImport retries unprocessed items. */
    private static void seed(LocalCloud cloud, int count) throws Exception {
        Map<String, String> env = cloud.environment();
        String table = env.get("LACKEY_TABLE");
        Instant newest = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(cloud.dynamoDbEndpoint())
                .region(Region.of(env.get("AWS_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClient(UrlConnectionHttpClient.create()).build();
             ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
            int chunk = 500;
            List<Future<?>> writes = new ArrayList<>();
            for (int start = 1; start <= count; start += chunk) {
                int from = start;
                int to = Math.min(count, start + chunk - 1);
                writes.add(writers.submit(() -> RunImport.write(dynamo, table,
                        Stream.iterate(from, i -> i <= to, i -> i + 1).map(i -> run(i, count, newest)).toList())));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }
    }

    /** Run {@code i} of {@code count}: scheduled one a second, the last at {@code newest}. */
    private static Run run(int i, int count, Instant newest) {
        Instant scheduledAt = newest.minusSeconds(count - i);
        String name = (i % 10 == 0 ? "eval-" : "train-") + i;
        List<String> tags = i % 1000 == 500 ? List.of("sweep-" + i / 1000, "rare") : List.of("sweep-" + i / 1000);
        var spec = new RunSpec(name, Optional.of("sh infra/simulations/hello.sh"),
                Map.of("lr", new BigDecimal("0.01"), "steps", new BigDecimal(100 + i % 7)), tags);
        RunStatus status = i % 100 == 37 ? RunStatus.RUNNING : i % 20 == 3 ? RunStatus.FAILED : RunStatus.FINISHED;
        Instant started = scheduledAt.plusMillis(800);
        Instant stopped = started.plusSeconds(600);
        boolean ended = status != RunStatus.RUNNING;
        return new Run(new RunId(i), spec, status, scheduledAt,
                Optional.of(new ClientTime(started.getEpochSecond())), Optional.of(started),
                ended ? Optional.of(new ClientTime(stopped.getEpochSecond())) : Optional.empty(),
                ended ? Optional.of(stopped) : Optional.empty(),
                status == RunStatus.FAILED ? Optional.of(1) : ended ? Optional.of(0) : Optional.empty(),
                Optional.empty());
    }

    private static void delete(Path home) {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + home, e);
        }
    }
}
