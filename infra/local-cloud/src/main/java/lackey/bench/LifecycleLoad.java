package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Full run lifecycles under load, through the HTTP API: {@code clients} clients side by side, each one lifecycle at a
 * time, schedule, start, {@value #HEARTBEATS} heartbeats and a stop with a log of its own, until {@code lifecycles}
 * are done. Then every run is read back: FINISHED, its log the very bytes sent (downloaded through its link), every
 * heartbeat counted, and the listing of the runs' tag shows them all. Anything else (an answer that is not the one
 * expected, a run that lost an update) is a problem, reported with the run.
 */
public final class LifecycleLoad {

    /** Heartbeats per lifecycle, one after the other, as a simulation sends them. */
    public static final int HEARTBEATS = 2;
    /** The calls of the lifecycles, in the order a lifecycle makes them. */
    public static final List<String> LIFECYCLE_CALLS = List.of("schedule", "start", "heartbeat", "stop");
    /** The calls that check the lifecycles afterwards. */
    public static final List<String> CHECK_CALLS = List.of("get", "log link", "log", "list");

    private LifecycleLoad() {
    }

    /**
     * What the load did and found.
     *
     * @param lifecycles   lifecycles attempted
     * @param clients      clients side by side
     * @param wall         how long the lifecycles took, from the first schedule to the last stop
     * @param checkWall    how long reading them back took
     * @param checked      runs read back and found as expected
     * @param problems     every run that was not, and every answer that was not the one expected
     */
    public record Result(int lifecycles, int clients, Duration wall, Duration checkWall, int checked, List<String> problems) {

        public boolean passed() {
            return problems.isEmpty() && checked == lifecycles;
        }
    }

    /** What a lifecycle sent, to compare its run with afterwards. */
    private record Sent(long id, String logSha256, int logBytes, long startedTs, long stoppedTs) {
    }

    public static Result run(LoadClient api, int lifecycles, int clients) throws Exception {
        String tag = "load-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Sent> sent = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long begin = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < lifecycles; i = next.getAndIncrement()) {
                        try {
                            lifecycle(api, tag, i).ifPresent(done -> sent.put(done.index(), done.sent()));
                        } catch (Unexpected e) {
                            problems.add(e.getMessage());
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - begin);

        long checkBegin = System.nanoTime();
        AtomicInteger checked = new AtomicInteger();
        List<Sent> toCheck = new ArrayList<>(sent.values());
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> checks = new ArrayList<>();
            for (Sent one : toCheck) {
                checks.add(pool.submit(() -> {
                    try {
                        check(api, one);
                        checked.incrementAndGet();
                    } catch (Unexpected e) {
                        problems.add(e.getMessage());
                    }
                }));
            }
            for (Future<?> check : checks) {
                check.get();
            }
        }
        try {
            listed(api, tag, sent.size());
        } catch (Unexpected e) {
            problems.add(e.getMessage());
        }
        return new Result(lifecycles, clients, wall, Duration.ofNanos(System.nanoTime() - checkBegin), checked.get(),
                List.copyOf(problems));
    }

    private record Done(int index, Sent sent) {
    }

    private static java.util.Optional<Done> lifecycle(LoadClient api, String tag, int i) {
        LoadClient.Answer scheduled = expect(api.form("schedule", "POST", "/api/run",
                Map.of("name", "load-" + i, "tags", tag)), 201, "lifecycle " + i + ": schedule");
        long id = scheduled.body().path("id").asLong();
        String token = scheduled.body().path("token").asText();
        long ts = System.currentTimeMillis() / 1000;
        LoadClient.Answer started = expect(api.form("start", "PUT", "/api/run/start/" + id,
                Map.of("token", token, "ts", Long.toString(ts))), 200, "run " + id + ": start");
        require(started.body().path("status").asText().equals("RUNNING"), "run " + id + ": start answered " + started.raw());
        for (int beat = 1; beat <= HEARTBEATS; beat++) {
            LoadClient.Answer alive = expect(api.form("heartbeat", "PUT", "/api/run/heartbeat/" + id, Map.of("token", token,
                    "ts", Long.toString(ts), "progress", Integer.toString(beat * 100 / (HEARTBEATS + 1)), "message", "step " + beat)),
                    200, "run " + id + ": heartbeat " + beat);
            require(alive.body().path("heartbeat").path("count").asInt() == beat,
                    "run " + id + ": heartbeat " + beat + " counted as " + alive.body().path("heartbeat").path("count"));
        }
        String log = log(id, i);
        LoadClient.Answer stopped = expect(api.form("stop", "PUT", "/api/run/stop/" + id,
                Map.of("token", token, "ts", Long.toString(ts + 1), "exit", "0", "log", log)), 200, "run " + id + ": stop");
        require(stopped.body().path("status").asText().equals("FINISHED"), "run " + id + ": stop answered " + stopped.raw());
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        return java.util.Optional.of(new Done(i, new Sent(id, sha256(bytes), bytes.length, ts, ts + 1)));
    }

    private static void check(LoadClient api, Sent sent) {
        String what = "run " + sent.id();
        JsonNode run = expect(api.form("get", "GET", "/api/run/" + sent.id(), null), 200, what + ": get").body();
        require(run.path("status").asText().equals("FINISHED"), what + " is " + run.path("status") + ", not FINISHED: " + run);
        require(run.path("started").asLong() == sent.startedTs() && run.path("stopped").asLong() == sent.stoppedTs(),
                what + " lost its start or stop: " + run);
        require(run.path("exitCode").asInt(-1) == 0, what + " lost its exit code: " + run);
        require(run.path("log").path("sha256").asText().equals(sent.logSha256()) && run.path("log").path("bytes").asInt() == sent.logBytes(),
                what + " lost its log: " + run.path("log"));
        require(run.path("heartbeat").path("count").asInt() == HEARTBEATS, what + " counts "
                + run.path("heartbeat").path("count") + " heartbeats, not " + HEARTBEATS);
        require(run.path("heartbeat").path("message").asText().equals("step " + HEARTBEATS), what + " lost its last heartbeat: " + run);
        LoadClient.Answer link = expect(api.form("log link", "GET", "/api/run/" + sent.id() + "/log", null), 302, what + ": log link");
        String url = link.body().path("url").asText();
        LoadClient.Answer log = api.download("log", url);
        require(log.status() == 200 && sha256(log.raw().getBytes(StandardCharsets.UTF_8)).equals(sent.logSha256()),
                what + ": its log downloads as other bytes (" + log.status() + ")");
    }

    /** The listing of the tag shows every run, FINISHED: the indexes lost nothing either. */
    private static void listed(LoadClient api, String tag, int expected) {
        Set<Long> ids = new TreeSet<>();
        String cursor = "";
        do {
            JsonNode page = expect(api.form("list", "GET", "/api/runs?tag=" + tag + "&status=FINISHED&limit=1000"
                    + (cursor.isEmpty() ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null),
                    200, "list").body();
            page.path("runs").forEach(run -> ids.add(run.path("id").asLong()));
            cursor = page.path("cursor").asText("");
        } while (!cursor.isEmpty());
        require(ids.size() == expected, "the listing of tag " + tag + " shows " + ids.size() + " FINISHED runs, not " + expected);
    }

    /** A log of its own for each run: a few hundred bytes that name it, with a character outside ASCII. */
    static String log(long id, int lifecycle) {
        StringBuilder log = new StringBuilder();
        for (int line = 1; line <= 8; line++) {
            log.append("run ").append(id).append(" lifecycle ").append(lifecycle).append(" step ").append(line)
                    .append(": residual ").append(1.0 / (line * (lifecycle + 1))).append(" µs\n");
        }
        return log.toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** An answer or a run the load did not expect. */
    static final class Unexpected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unexpected(String message) {
            super(message, null, false, false);
        }
    }

    static LoadClient.Answer expect(LoadClient.Answer answer, int status, String what) {
        if (answer.status() != status) {
            String body = answer.raw() == null ? "" : answer.raw();
            throw new Unexpected(what + " answered " + answer.status() + " (expected " + status + "): "
                    + body.substring(0, Math.min(300, body.length())));
        }
        return answer;
    }

    static void require(boolean holds, String problem) {
        if (!holds) {
            throw new Unexpected(problem);
        }
    }

    /** Prints what the load did: the calls' table, then the checks. */
    public static void print(PrintStream out, Result result, LoadClient api) {
        Map<String, LoadClient.Calls> calls = api.allCalls();
        out.printf("%,d lifecycles (schedule, start, %d heartbeats, stop with a log) by %d clients in %.1f s: "
                        + "%.1f lifecycles/s, %.1f requests/s%n", result.lifecycles(), HEARTBEATS, result.clients(),
                result.wall().toNanos() / 1e9, result.lifecycles() / (result.wall().toNanos() / 1e9),
                LIFECYCLE_CALLS.stream().mapToInt(kind -> calls.containsKey(kind) ? calls.get(kind).count() : 0).sum()
                        / (result.wall().toNanos() / 1e9));
        LoadClient.printTable(out, calls, LIFECYCLE_CALLS, result.wall());
        out.printf("%nread back in %.1f s:%n", result.checkWall().toNanos() / 1e9);
        LoadClient.printTable(out, calls, CHECK_CALLS, result.checkWall());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runs FINISHED with their log, every heartbeat counted", result.checked() + " of " + result.lifecycles());
        summary.put("errors (5xx or no answer)", calls.values().stream().mapToInt(LoadClient.Calls::serverErrors).sum());
        summary.put("problems (unexpected answers, lost updates)", result.problems().size());
        summary.forEach((what, value) -> out.printf("%-56s %s%n", what, value));
        result.problems().stream().limit(10).forEach(problem -> out.println("  " + problem));
    }
}
