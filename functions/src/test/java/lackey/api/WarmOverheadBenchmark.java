package lackey.api;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import lackey.run.ClientTime;
import lackey.run.LogRef;
import lackey.run.LogStore;
import lackey.run.LogUpload;
import lackey.run.Run;
import lackey.run.RunEvents;
import lackey.run.RunId;
import lackey.run.RunIds;
import lackey.run.RunLifecycle;
import lackey.run.RunStatus;
import lackey.run.RunStore;
import lackey.run.StopReport;
import lackey.run.TokenHash;

/**
 * Warm handler overhead: what a handler costs beyond its AWS calls, once the JVM is warm. The ports are
 * answered in memory, so the time measured is parsing the API Gateway event, the core's rules, and
 * writing the response. Prints p50 and p99 per operation. Not a test: run it with {@code ./lackey bench warm}.
 */
public final class WarmOverheadBenchmark {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 20_000;

    private WarmOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path events = Path.of("..", "events");
        var ports = new MemoryPorts();
        RunLifecycle runs = new RunLifecycle(ports, ports, ports, event -> true, Clock.systemUTC());
        Map<String, Operation> operations = new LinkedHashMap<>();
        operations.put("schedule (POST /api/run)", new Operation(new ScheduleRunHandler(runs), read(events, "schedule-run-form.json")));
        operations.put("start (PUT /api/run/start/{id})", new Operation(new StartRunHandler(runs), read(events, "start-run.json")));
        operations.put("stop (PUT /api/run/stop/{id})", new Operation(new StopRunHandler(runs), read(events, "stop-run.json")));
        operations.put("get (GET /api/run/{id})", new Operation(new GetRunHandler(runs), read(events, "get-run.json")));

        System.out.printf("%nWarm handler overhead beyond AWS calls (ports in memory), %d calls after %d warm-up%n", MEASURED, WARM_UP);
        System.out.printf("%-34s %10s %10s%n", "operation", "p50 µs", "p99 µs");
        for (var entry : operations.entrySet()) {
            Operation op = entry.getValue();
            for (int i = 0; i < WARM_UP; i++) {
                ports.reset();
                op.call();
            }
            long[] micros = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                ports.reset();
                long begin = System.nanoTime();
                op.call();
                micros[i] = (System.nanoTime() - begin) / 1_000;
            }
            Arrays.sort(micros);
            System.out.printf("%-34s %10d %10d%n", entry.getKey(), micros[MEASURED / 2], micros[MEASURED * 99 / 100]);
        }
    }

    private static byte[] read(Path events, String file) throws IOException {
        return Files.readAllBytes(events.resolve(file));
    }

    /** One handler and the event it is handed each time. */
    private record Operation(RequestStreamHandler handler, byte[] event) {
        void call() throws IOException {
            var out = new ByteArrayOutputStream(512);
            handler.handleRequest(new ByteArrayInputStream(event), out, null);
            String response = out.toString(StandardCharsets.UTF_8);
            if (!response.contains("\"statusCode\":20")) {
                throw new IllegalStateException("unexpected answer: " + response);
            }
        }
    }

    /**
     * Run 1 in the state each sample event expects: SCHEDULED before a start, RUNNING before a stop,
     * with the seed's token. Every call first puts it back, so each operation always succeeds.
     */
    private static final class MemoryPorts implements RunStore, RunIds, LogStore {
        private static final String SEED_TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";
        private final TokenHash seedHash = lackey.run.Token.presented(SEED_TOKEN).hash();
        private final Map<RunId, StoredRun> runs = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong(100);
        private final Run template = Run.scheduled(new RunId(1),
                new lackey.run.RunSpec("seed", Optional.empty(), Map.of(), java.util.List.of()), Instant.EPOCH);

        void reset() {
            runs.put(template.id(), new StoredRun(template, seedHash));
        }

        @Override
        public RunId next() {
            return new RunId(ids.incrementAndGet());
        }

        @Override
        public RunId reserve(int count) {
            return new RunId(ids.getAndAdd(count) + 1);
        }

        @Override
        public void create(Run run, TokenHash tokenHash) {
            runs.put(run.id(), new StoredRun(run, tokenHash));
        }

        @Override
        public Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt,
                                         Optional<String> taskArn) {
            Run r = runs.get(id).run();
            return Optional.of(new Run(r.id(), r.spec(), RunStatus.RUNNING, r.scheduledAt(), Optional.of(started),
                    Optional.of(receivedAt), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        }

        @Override
        public Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                         StopReport report, Optional<LogRef> log) {
            Run r = runs.get(id).run();
            return Optional.of(new Run(r.id(), r.spec(), report.status(), r.scheduledAt(),
                    Optional.of(new ClientTime(stopped.epochSeconds() - 10_000)), Optional.of(receivedAt),
                    Optional.of(stopped), Optional.of(receivedAt), report.exitCode(), log));
        }

        @Override
        public Optional<Run> recordHeartbeat(RunId id, TokenHash tokenHash, lackey.run.Heartbeat heartbeat) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> recordLateStop(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                            StopReport report, Optional<LogRef> log) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public java.util.List<Run> overdue(Instant now, int max) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> markLost(RunId id, lackey.run.Deadline missed, String reason, Instant now) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> markDispatchPending(RunId id, Instant retryAt) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> rotateForDispatch(RunId id, lackey.run.Deadline missed, TokenHash newTokenHash,
                                               lackey.run.Deadline startBy) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> recordLaunchFailure(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                                 int retries, java.time.Duration firstDelay) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> markLaunchFailedLost(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                                  int retries, String lostReason) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public java.util.List<Run> waitingFor(String awaitKey) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> endWait(RunId id, String awaitKey, TokenHash tokenHash) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<Run> markCancelled(RunId id, String reason, Instant now) {
            throw new UnsupportedOperationException("not measured");
        }

        @Override
        public Optional<StoredRun> find(RunId id) {
            return Optional.ofNullable(runs.get(id));
        }

        @Override
        public LogRef put(RunId id, String attempt, byte[] log, boolean utf8) {
            return new LogRef("mem://logs/" + id + "/" + attempt + ".log", log.length, Optional.empty(), utf8);
        }

        @Override
        public void discard(LogRef log) {
        }

        @Override
        public Optional<LogRef> uploaded(LogUpload upload) {
            return Optional.empty();
        }
    }

}
