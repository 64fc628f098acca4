package lackey.bench;

import static lackey.bench.LifecycleLoad.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A sweep's runs racing the sweeper and cancellations, through the HTTP API. One {@code POST /api/runs} schedules
 * {@code runs} tracked runs whose heartbeat timeout is {@value #HEARTBEAT_TIMEOUT} s; then, all at once,
 * {@code clients} simulations start, heartbeat and stop them (each in a random order; one in {@value #SLOW_ONE_IN}
 * pauses longer than its heartbeat timeout before its heartbeat, so the sweeper may declare it LOST under it), a few
 * operators cancel a random third of them, and the sweeper runs again and again. Beside them, one run in
 * {@value #LATE_STARTERS_ONE_IN} more (a second, small sweep whose start timeout is {@value #LATE_START_TIMEOUT} s) is
 * started between a second before and two seconds after its start deadline, so that its start races the sweeper's
 * verdict. Afterwards every run must have ended
 * in exactly one final state, the one that what each client was told implies, with one terminal event on the bus;
 * no run may be left SCHEDULED or RUNNING, and no call may be answered 5xx.
 */
public final class SweepRace {

    /** Seconds a started run may go without a heartbeat before the sweeper may declare it LOST. */
    public static final int HEARTBEAT_TIMEOUT = 2;
    /** One simulation in this many pauses longer than the heartbeat timeout before its heartbeat. */
    public static final int SLOW_ONE_IN = 20;
    private static final Duration SLOW_PAUSE = Duration.ofMillis(HEARTBEAT_TIMEOUT * 1000L + 700);
    /** Operators cancelling side by side. */
    private static final int CANCELLERS = 4;
    /** One run in this many more is a late starter (at least {@value #LATE_STARTERS_AT_LEAST}): see {@link #run}. */
    private static final int LATE_STARTERS_ONE_IN = 50;
    private static final int LATE_STARTERS_AT_LEAST = 60;
    /** The late starters' start timeout, in seconds, and the simulations that start them. */
    private static final int LATE_START_TIMEOUT = 2;
    private static final int LATE_STARTER_CLIENTS = 8;
    /** The calls of the race, in the order a run sees them. */
    public static final List<String> RACE_CALLS = List.of("sweep", "start", "heartbeat", "stop", "cancel", "sweeper");

    private SweepRace() {
    }

    /**
     * What the race did and found.
     *
     * @param runs     runs in the race: the sweep's and the late starters
     * @param lateStarters runs of the late starters' sweep
     * @param wall     how long the race took, from the sweep's answer to the last call
     * @param finals   runs by final status, as read afterwards
     * @param outcomes how the races went, e.g. "cancel won" or "late stop of a LOST run", by count
     * @param sweeps   sweeper invocations during the race
     * @param problems every run whose end does not fit what its clients were told, every unexpected answer
     */
    public record Result(int runs, int lateStarters, int clients, Duration wall, Map<String, Integer> finals,
                         Map<String, Integer> outcomes, int sweeps, List<String> problems) {

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** What the clients of one run were told; each field is written by one client, read after all are done. */
    private static final class Told {
        final long id;
        final String token;
        volatile int start;
        volatile long startedTs;
        volatile int heartbeat;
        volatile int stop;
        volatile String stopStatus = "";
        volatile int exit;
        volatile String logSha256 = "";
        volatile int cancel;

        Told(long id, String token) {
            this.id = id;
            this.token = token;
        }
    }

    /**
     * @param sweep     runs the sweeper once (the local cloud invokes SweepRunsFunction)
     * @param busEvents every event the bus accepted so far, as JSON
     */
    public static Result run(LoadClient api, int runs, int clients, Runnable sweep, Supplier<List<String>> busEvents)
            throws Exception {
        String tag = "race-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder("{\"name\":\"race\",\"tags\":[\"" + tag + "\"],\"heartbeatTimeout\":"
                + HEARTBEAT_TIMEOUT + ",\"maxDuration\":3600,\"runs\":[");
        for (int i = 0; i < runs; i++) {
            body.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append('}');
        }
        LoadClient.Answer scheduled = LifecycleLoad.expect(api.json("sweep", "POST", "/api/runs", body.append("]}").toString()),
                201, "the sweep");
        List<Told> told = new ArrayList<>();
        scheduled.body().path("runs").forEach(run -> told.add(new Told(run.path("id").asLong(), run.path("token").asText())));
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        if (told.size() != runs) {
            problems.add("the sweep answered " + told.size() + " runs, not " + runs);
        }
        // Late starters: a small sweep with a short start timeout, each started around its deadline, so that its start
        // races the sweeper's verdict. Their deadline is the timeout after scheduling, truncated to the second.
        int lateCount = Math.max(LATE_STARTERS_AT_LEAST, runs / LATE_STARTERS_ONE_IN);
        StringBuilder late = new StringBuilder("{\"name\":\"race-late\",\"tags\":[\"" + tag + "\"],\"startTimeout\":"
                + LATE_START_TIMEOUT + ",\"heartbeatTimeout\":" + HEARTBEAT_TIMEOUT + ",\"runs\":[");
        for (int i = 0; i < lateCount; i++) {
            late.append(i == 0 ? "" : ",").append("{\"late\":").append(i).append('}');
        }
        // The sweeper has run before, as it has on AWS long before any race: its first run here would be its
        // environment's cold start, which on a busy machine can outlast the late starters' whole window.
        sweep.run();
        long lateScheduledAt = System.currentTimeMillis();
        LoadClient.Answer lateScheduled = LifecycleLoad.expect(api.json("sweep", "POST", "/api/runs", late.append("]}").toString()),
                201, "the late starters' sweep");
        List<Told> lateStarters = new ArrayList<>();
        lateScheduled.body().path("runs").forEach(run -> lateStarters.add(new Told(run.path("id").asLong(), run.path("token").asText())));
        told.addAll(lateStarters);
        long deadline = lateScheduledAt + LATE_START_TIMEOUT * 1000L;

        Random random = new Random();
        List<Told> simulations = new ArrayList<>(told);
        simulations.removeAll(lateStarters);
        Collections.shuffle(simulations, random);
        List<Told> cancelled = new ArrayList<>(told);
        Collections.shuffle(cancelled, random);
        cancelled = cancelled.subList(0, told.size() / 3);

        AtomicBoolean racing = new AtomicBoolean(true);
        AtomicInteger sweeps = new AtomicInteger();
        long begin = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients + CANCELLERS + LATE_STARTER_CLIENTS + 1)) {
            Future<?> sweeper = pool.submit(() -> {
                while (racing.get()) {
                    long at = System.nanoTime();
                    try {
                        sweep.run();
                        api.calls("sweeper").add(200, System.nanoTime() - at);
                    } catch (RuntimeException e) {
                        api.calls("sweeper").add(500, System.nanoTime() - at);
                        problems.add("the sweeper failed: " + e.getMessage());
                    }
                    sweeps.incrementAndGet();
                    pause(Duration.ofMillis(200));
                }
            });
            List<Future<?>> clientsDone = new ArrayList<>();
            ConcurrentLinkedQueue<Told> toSimulate = new ConcurrentLinkedQueue<>(simulations);
            for (int c = 0; c < clients; c++) {
                clientsDone.add(pool.submit(() -> {
                    Random own = new Random();
                    for (Told run = toSimulate.poll(); run != null; run = toSimulate.poll()) {
                        simulate(api, run, own, problems);
                    }
                }));
            }
            // each late starter at its own moment, from a second before the deadline to two seconds after
            List<long[]> startAt = new ArrayList<>();
            for (int i = 0; i < lateStarters.size(); i++) {
                startAt.add(new long[] {deadline - 1000 + random.nextInt(3000), i});
            }
            startAt.sort((a, b) -> Long.compare(a[0], b[0]));
            ConcurrentLinkedQueue<long[]> toStartLate = new ConcurrentLinkedQueue<>(startAt);
            for (int c = 0; c < LATE_STARTER_CLIENTS; c++) {
                clientsDone.add(pool.submit(() -> {
                    Random own = new Random();
                    for (long[] next = toStartLate.poll(); next != null; next = toStartLate.poll()) {
                        pause(Duration.ofMillis(Math.max(0, next[0] - System.currentTimeMillis())));
                        simulate(api, lateStarters.get((int) next[1]), own, problems);
                    }
                }));
            }
            ConcurrentLinkedQueue<Told> toCancel = new ConcurrentLinkedQueue<>(cancelled);
            for (int c = 0; c < CANCELLERS; c++) {
                clientsDone.add(pool.submit(() -> {
                    for (Told run = toCancel.poll(); run != null; run = toCancel.poll()) {
                        run.cancel = api.form("cancel", "PUT", "/api/run/cancel/" + run.id, Map.of("reason", "race")).status();
                    }
                }));
            }
            for (Future<?> done : clientsDone) {
                done.get();
            }
            racing.set(false);
            sweeper.get();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - begin);

        Map<Long, List<JsonNode>> terminalEvents = terminalEvents(busEvents.get());
        Map<String, Integer> finals = new ConcurrentHashMap<>();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> checks = new ArrayList<>();
            for (Told run : told) {
                checks.add(pool.submit(() -> {
                    try {
                        JsonNode end = LifecycleLoad.expect(api.form("get", "GET", "/api/run/" + run.id, null), 200,
                                "run " + run.id + ": get").body();
                        finals.merge(end.path("status").asText(), 1, Integer::sum);
                        outcomes.merge(judge(run, end, terminalEvents.getOrDefault(run.id, List.of())), 1, Integer::sum);
                    } catch (LifecycleLoad.Unexpected e) {
                        problems.add(e.getMessage());
                    }
                }));
            }
            for (Future<?> check : checks) {
                check.get();
            }
        }
        api.allCalls().forEach((kind, calls) -> {
            if (calls.serverErrors() > 0) {
                problems.add(kind + ": " + calls.serverErrors() + " calls answered 5xx or not at all " + calls.statuses());
            }
        });
        return new Result(told.size(), lateStarters.size(), clients, wall, new TreeMap<>(finals), new TreeMap<>(outcomes),
                sweeps.get(), List.copyOf(problems));
    }

    /** One simulation: start, heartbeat (late, for one in SLOW_ONE_IN), stop with a log, whatever it is told. */
    private static void simulate(LoadClient api, Told run, Random random, List<String> problems) {
        long ts = System.currentTimeMillis() / 1000;
        LoadClient.Answer started = api.form("start", "PUT", "/api/run/start/" + run.id, Map.of("token", run.token, "ts", Long.toString(ts)));
        run.start = started.status();
        if (started.status() != 200) {
            expectRefusal(started, "run " + run.id + ": start", problems);
            return;
        }
        run.startedTs = ts;
        if (random.nextInt(SLOW_ONE_IN) == 0) {
            pause(SLOW_PAUSE);
        }
        LoadClient.Answer alive = api.form("heartbeat", "PUT", "/api/run/heartbeat/" + run.id,
                Map.of("token", run.token, "ts", Long.toString(System.currentTimeMillis() / 1000), "progress", "50"));
        run.heartbeat = alive.status();
        if (alive.status() != 200) {
            expectRefusal(alive, "run " + run.id + ": heartbeat", problems);
        }
        run.exit = random.nextInt(4) == 0 ? 1 : 0;
        String log = LifecycleLoad.log(run.id, run.exit);
        run.logSha256 = sha256(log.getBytes(StandardCharsets.UTF_8));
        LoadClient.Answer stopped = api.form("stop", "PUT", "/api/run/stop/" + run.id, Map.of("token", run.token,
                "ts", Long.toString(Math.max(ts, System.currentTimeMillis() / 1000)), "exit", Integer.toString(run.exit), "log", log));
        run.stop = stopped.status();
        if (stopped.status() == 200) {
            run.stopStatus = stopped.body().path("status").asText();
        } else {
            expectRefusal(stopped, "run " + run.id + ": stop", problems);
        }
    }

    // The one refusal a racing simulation may get: the run ended under it (409 wrong_state).
    private static void expectRefusal(LoadClient.Answer answer, String what, List<String> problems) {
        if (answer.status() != 409 || !answer.body().path("error").asText().equals("wrong_state")) {
            problems.add(what + " answered " + answer.status() + ": " + answer.raw());
        }
    }

    /**
     * Whether the run's end fits what its clients were told, and how its race went.
     *
     * @throws LifecycleLoad.Unexpected when it does not fit
     */
    private static String judge(Told run, JsonNode end, List<JsonNode> events) {
        String status = end.path("status").asText();
        String what = "run " + run.id + " (start " + run.start + ", heartbeat " + run.heartbeat + ", stop " + run.stop
                + " " + run.stopStatus + ", cancel " + run.cancel + ") is " + status;
        LifecycleLoad.require(List.of("FINISHED", "FAILED", "CANCELLED", "LOST").contains(status), what + ": stuck");
        LifecycleLoad.require(run.cancel == 0 || run.cancel == 200 || run.cancel == 409, what + ": cancel answered " + run.cancel);
        LifecycleLoad.require((run.cancel == 200) == status.equals("CANCELLED"), what + ": a cancel answered 200 exactly when it is CANCELLED");
        if (status.equals("CANCELLED")) {
            LifecycleLoad.require(end.path("cancelReason").asText().equals("race"), what + ": " + end);
        }
        if (run.start == 200) {
            LifecycleLoad.require(end.path("started").asLong() == run.startedTs, what + ": its start is not the one applied: " + end);
        } else {
            LifecycleLoad.require(status.equals("CANCELLED") || status.equals("LOST"), what + ": a refused start means it ended first");
            LifecycleLoad.require(!end.has("started"), what + " shows a start that was refused: " + end);
        }
        if (run.heartbeat == 409) {
            LifecycleLoad.require(status.equals("CANCELLED") || status.equals("LOST"), what + ": a refused heartbeat means it ended first");
        }
        int counted = end.path("heartbeat").path("count").asInt(0);
        LifecycleLoad.require(counted == (run.heartbeat == 200 ? 1 : 0), what + ": " + counted + " heartbeats counted");
        if (run.stop == 200) {
            String reported = run.exit == 0 ? "FINISHED" : "FAILED";
            LifecycleLoad.require(end.path("log").path("sha256").asText().equals(run.logSha256)
                    && end.path("exitCode").asInt(-1) == run.exit, what + ": its stop's log or exit code is not the one sent: " + end);
            if (run.stopStatus.equals("LOST")) {
                LifecycleLoad.require(status.equals("LOST") && end.path("reportedStatus").asText().equals(reported),
                        what + ": a late stop keeps the run LOST, with what it reported: " + end);
            } else {
                LifecycleLoad.require(run.stopStatus.equals(reported) && status.equals(reported), what + ": stopped " + run.stopStatus);
            }
        } else if (run.stop == 409) {
            LifecycleLoad.require(status.equals("CANCELLED"), what + ": only a cancel refuses the stop of a started run");
        }
        if (status.equals("LOST")) {
            LifecycleLoad.require(!end.path("lostReason").asText().isEmpty(), what + ": no lostReason: " + end);
        }
        // exactly one terminal event, the one of its final state (a late stop of a LOST run adds a Run Stopped)
        List<String> terminal = events.stream().map(event -> event.path("detail-type").asText() + " "
                + event.path("detail").path("status").asText()).sorted().toList();
        List<String> expected = switch (status) {
            case "CANCELLED" -> List.of("Run Cancelled CANCELLED");
            case "LOST" -> run.stopStatus.equals("LOST") ? List.of("Run Lost LOST", "Run Stopped LOST") : List.of("Run Lost LOST");
            default -> List.of("Run Stopped " + status);
        };
        LifecycleLoad.require(terminal.equals(expected), what + ": its terminal events are " + terminal + ", not " + expected);
        return switch (status) {
            case "CANCELLED" -> run.start == 200 ? "cancelled while running" : "cancelled before its start";
            case "LOST" -> run.start != 200 ? "lost before its start"
                    : run.stopStatus.equals("LOST") ? "lost while running, then its late stop" : "lost while running";
            default -> run.cancel == 409 ? "stopped, its cancel refused" : "stopped";
        };
    }

    /** The events that end a run (and a LOST run's late stop), by run id. */
    private static Map<Long, List<JsonNode>> terminalEvents(List<String> events) throws Exception {
        Map<Long, List<JsonNode>> byRun = new HashMap<>();
        for (String event : events) {
            if (!event.contains("\"Run Stopped\"") && !event.contains("\"Run Lost\"") && !event.contains("\"Run Cancelled\"")) {
                continue;
            }
            JsonNode node = LoadClient.JSON.readTree(event);
            byRun.computeIfAbsent(node.path("detail").path("id").asLong(), id -> new ArrayList<>()).add(node);
        }
        return byRun;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints what the race did: the calls' table, the runs' ends, how the races went, and the checks. */
    public static void print(PrintStream out, Result result, LoadClient api) {
        out.printf("a sweep of %,d runs (and %d late starters) raced by %d simulations, %d cancelling operators and the "
                        + "sweeper (%d sweeps) in %.1f s%n", result.runs() - result.lateStarters(), result.lateStarters(),
                result.clients(), CANCELLERS, result.sweeps(), result.wall().toNanos() / 1e9);
        LoadClient.printTable(out, api.allCalls(), RACE_CALLS, result.wall());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("final states", result.finals());
        result.outcomes().forEach((outcome, count) -> summary.put("  " + outcome, count));
        summary.put("runs left SCHEDULED or RUNNING", result.finals().entrySet().stream()
                .filter(e -> e.getKey().equals("SCHEDULED") || e.getKey().equals("RUNNING")).mapToInt(Map.Entry::getValue).sum());
        summary.put("errors (5xx or no answer)", api.allCalls().values().stream().mapToInt(LoadClient.Calls::serverErrors).sum());
        summary.put("problems (ends that do not fit what clients were told)", result.problems().size());
        out.println();
        summary.forEach((what, value) -> out.printf("%-56s %s%n", what, value));
        result.problems().stream().limit(10).forEach(problem -> out.println("  " + problem));
    }
}
