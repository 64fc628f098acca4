package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Reports a wrapped command's run to the API from a background thread, so the command is never held up: schedule
 * (unless a dispatched container gave the run), start, heartbeats, outputs and stop go out in that order, each
 * retried with exponential backoff while the API cannot be reached or answers 5xx. Repeats are safe: the API
 * answers a repeated start, heartbeat or stop with the same inputs as it answered the first. Until the command
 * ends, retries go on; after it, {@link #finish} bounds how long the rest may take. Heartbeats never queue up:
 * at most one waits, and it carries the time it is sent.
 */
final class RunReporter {

    /** The API's inline limit for a log sent with the stop. */
    static final long INLINE_LOG_LIMIT = 8L * 1024 * 1024;
    /**
     * The largest stop request sent inline: Lambda takes requests up to 6 MB and form encoding makes a log
     * longer, so a log whose request would be larger goes up through the presigned upload instead.
     */
    static final long INLINE_REQUEST_LIMIT = 5_000_000;
    /** The API's limit of names per upload call. */
    static final int NAMES_PER_CALL = 100;
    private static final Duration FIRST_DELAY = Duration.ofMillis(500);

    private final LackeyApi api;
    private final PrintWriter err;
    private final Clock clock;
    private final Duration maxDelay;
    private final LinkedBlockingQueue<Step> steps = new LinkedBlockingQueue<>();
    private final AtomicBoolean heartbeatWaiting = new AtomicBoolean();
    private final Thread worker;
    private volatile long runId;
    private volatile String token;
    private volatile boolean runRefused;
    private volatile boolean heartbeatsRefused;
    private volatile Instant giveUpAt = Instant.MAX;
    private volatile String lastProblem;
    private volatile boolean allLanded = true;
    private boolean struggling;

    /** One call (or a few that belong together) and what it is for, to name it in messages. */
    private record Step(String what, Call call) {
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Retry;
    }

    /** The call did not land for a reason that may pass: the API is unreachable or answered 5xx. */
    private static final class Retry extends Exception {
        Retry(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final Step END = new Step("end", () -> { });

    RunReporter(LackeyApi api, PrintWriter err, Clock clock, Duration maxDelay) {
        this.api = api;
        this.err = err;
        this.clock = clock;
        this.maxDelay = maxDelay;
        this.worker = new Thread(this::work, "lackey-wrap-reporter");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The run a dispatched container was started for. */
    void use(long id, String runToken) {
        runId = id;
        token = runToken;
    }

    long runId() {
        return runId;
    }

    /** Schedules the tracked run this command is (an operator call, signed as the API needs). */
    void schedule(ObjectNode spec) {
        steps.add(new Step("schedule the run", () -> {
            JsonNode run = send("POST", "/api/run", LackeyApi.Body.json(spec), true);
            use(run.path("id").asLong(), run.path("token").asText());
            say("tracking the command as run " + runId + " at " + api.base());
        }));
    }

    void start(long ts) {
        steps.add(new Step("report the start", () -> {
            requireRun();
            send("PUT", "/api/run/start/" + runId, form("ts", Long.toString(ts)), false);
        }));
    }

    /** Asks for a heartbeat, unless one is waiting already; it carries the time it is sent. */
    void heartbeat() {
        if (heartbeatsRefused || !heartbeatWaiting.compareAndSet(false, true)) {
            return;
        }
        steps.add(new Step("send a heartbeat", () -> {
            heartbeatWaiting.set(false);
            if (heartbeatsRefused) {
                return;
            }
            requireRun();
            try {
                send("PUT", "/api/run/heartbeat/" + runId, form("ts", Long.toString(clock.instant().getEpochSecond())), false);
            } catch (CliFailure refused) {
                heartbeatsRefused = true; // e.g. a LOST run: its late stop is still taken
                throw refused;
            }
        }));
    }

    /** Uploads every file directly in {@code folder} as an output, while the run is RUNNING. */
    void outputs(Path folder) {
        steps.add(new Step("upload the outputs in " + folder, () -> {
            requireRun();
            Map<String, Path> files = outputFiles(folder);
            List<String> names = new ArrayList<>(files.keySet());
            for (int from = 0; from < names.size(); from += NAMES_PER_CALL) {
                ObjectNode body = LackeyApi.object().put("token", token);
                ArrayNode batch = body.putArray("names");
                names.subList(from, Math.min(names.size(), from + NAMES_PER_CALL)).forEach(batch::add);
                JsonNode links = send("POST", "/api/run/output-upload/" + runId, LackeyApi.Body.json(body), false);
                for (JsonNode link : links.path("uploads")) {
                    put(URI.create(link.path("url").asText()), files.get(link.path("name").asText()));
                }
            }
            if (!names.isEmpty()) {
                say("uploaded " + names.size() + " output" + (names.size() == 1 ? "" : "s") + " from " + folder);
            }
        }));
    }

    /**
     * Reports the stop with the exit status and the log: inline when it fits the API's and Lambda's limits,
     * else through a presigned upload ({@code log-upload}, PUT, then {@code logUpload=} on the stop).
     */
    void stop(long ts, int exit, CommandLog log) {
        String[] upload = new String[1];
        steps.add(new Step("report the stop", () -> {
            requireRun();
            String inline = upload[0] == null ? inlineLog(log.file()) : null;
            if (inline != null) {
                LackeyApi.Answer answer = call("PUT", "/api/run/stop/" + runId,
                        form("ts", Long.toString(ts), "exit", Integer.toString(exit), "log", inline), false);
                if (answer.status() != 413) {
                    finished(require(answer, "PUT", "/api/run/stop/" + runId));
                    return;
                }
            }
            if (upload[0] == null) {
                JsonNode link = send("POST", "/api/run/log-upload/" + runId, form(), false);
                put(URI.create(link.path("url").asText()), log.file());
                upload[0] = link.path("logUpload").asText();
            }
            finished(send("PUT", "/api/run/stop/" + runId,
                    form("ts", Long.toString(ts), "exit", Integer.toString(exit), "logUpload", upload[0]), false));
        }));
    }

    /**
     * Waits for every report to land, at most {@code bound} from now; says on stderr what did not.
     *
     * @return true when everything landed
     */
    boolean finish(Duration bound) {
        giveUpAt = clock.instant().plus(bound);
        steps.add(END);
        try {
            worker.join(bound.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            giveUpAt = Instant.MIN;
            worker.interrupt();
            allLanded = false;
        }
        return allLanded;
    }

    /** Stops waiting at once (a second Ctrl-C): whatever has not landed is reported as such. */
    void abandon() {
        giveUpAt = Instant.MIN;
        worker.interrupt();
    }

    private void work() {
        while (true) {
            Step step;
            try {
                step = steps.take();
            } catch (InterruptedException e) {
                return;
            }
            if (step == END) {
                return;
            }
            if (runRefused) {
                continue;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    step.call().run();
                    if (struggling) {
                        say("reached the API again");
                        struggling = false;
                    }
                    break;
                } catch (Retry retry) {
                    lastProblem = retry.getMessage();
                    if (!struggling) {
                        say("cannot " + step.what() + " yet (" + retry.getMessage() + "); retrying in the background,"
                                + " the command goes on");
                        struggling = true;
                    }
                    if (!pause(attempt)) {
                        giveUp(step);
                        return;
                    }
                } catch (CliFailure refused) {
                    say("the API refused to " + step.what() + ": " + refused.getMessage());
                    if (step.what().equals("schedule the run") || step.what().equals("report the start")) {
                        runRefused = true; // nothing later can land without the run
                    }
                    if (!step.what().equals("send a heartbeat")) {
                        allLanded = false;
                    }
                    break;
                }
            }
        }
    }

    private void giveUp(Step step) {
        allLanded = false;
        List<String> left = new ArrayList<>();
        left.add(step.what());
        steps.stream().filter(s -> s != END && !s.what().equals("send a heartbeat")).forEach(s -> left.add(s.what()));
        say("gave up: could not " + String.join(", ", left) + " within the wait after the command ended ("
                + lastProblem + ")" + (runId == 0 ? "; the run was never scheduled"
                : "; run " + runId + " stays as the API last heard of it, and becomes LOST when its deadline passes"));
    }

    // Sleeps the backoff of this attempt; false when the time to give up has come.
    private boolean pause(int attempt) {
        long cap = Math.min(maxDelay.toMillis(), FIRST_DELAY.toMillis() << Math.min(attempt, 20));
        long delay = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        Instant wake = clock.instant().plusMillis(delay);
        Instant limit = giveUpAt;
        if (!clock.instant().isBefore(limit)) {
            return false;
        }
        try {
            Thread.sleep(Math.max(1, Math.min(delay, Duration.between(clock.instant(), limit.isBefore(wake) ? limit : wake).toMillis())));
        } catch (InterruptedException e) {
            return false;
        }
        return clock.instant().isBefore(giveUpAt);
    }

    private void finished(JsonNode run) {
        say("run " + run.path("id").asText() + " " + run.path("status").asText()
                + (run.hasNonNull("exitCode") ? ", exit " + run.get("exitCode").asText() : ""));
    }

    private void requireRun() throws Retry {
        if (runId == 0) {
            throw new Retry("the run is not scheduled yet");
        }
    }

    private JsonNode send(String method, String path, LackeyApi.Body body, boolean operator) throws Retry {
        return require(call(method, path, body, operator), method, path);
    }

    private LackeyApi.Answer call(String method, String path, LackeyApi.Body body, boolean operator) throws Retry {
        try {
            return api.call(method, path, body, operator);
        } catch (CliFailure failure) {
            if (failure.exitCode() == ExitCode.UNREACHABLE) {
                throw new Retry(failure.getMessage());
            }
            throw failure;
        }
    }

    private JsonNode require(LackeyApi.Answer answer, String method, String path) throws Retry {
        if (answer.ok()) {
            return answer.json();
        }
        if (answer.status() >= 500 || answer.status() == 429 || answer.status() == 408) {
            throw new Retry("HTTP " + answer.status() + ": " + answer.errorMessage());
        }
        throw api.failure(answer, method, path);
    }

    private void put(URI url, Path file) throws Retry {
        try {
            api.upload(url, file);
        } catch (CliFailure failure) {
            if (failure.exitCode() == ExitCode.UNREACHABLE) {
                throw new Retry(failure.getMessage());
            }
            throw failure;
        }
    }

    /** A form with the run's token first. */
    private LackeyApi.Body form(String... pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("token", token);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            fields.put(pairs[i], pairs[i + 1]);
        }
        return LackeyApi.Body.form(fields);
    }

    /** The log as text to send inline, or null when it must go up through an upload link. */
    static String inlineLog(Path file) {
        try {
            long size = Files.size(file);
            if (size > INLINE_LOG_LIMIT) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            long encoded = java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).length();
            return encoded + 200 > INLINE_REQUEST_LIMIT ? null : text;
        } catch (CharacterCodingException notUtf8) {
            return null; // bytes that are not text go up unchanged
        } catch (IOException e) {
            throw CliFailure.file("cannot read the log " + file + ": " + e.getMessage());
        }
    }

    /** The regular files directly in {@code folder}, by name, sorted; anything else is skipped with a note. */
    private Map<String, Path> outputFiles(Path folder) {
        Map<String, Path> files = new java.util.TreeMap<>();
        if (!Files.isDirectory(folder)) {
            say("no outputs: " + folder + " is not a folder");
            return files;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (!Files.isRegularFile(entry)) {
                    say("outputs are the files directly in " + folder + ": skipping " + name + "/");
                } else if (name.length() > 200 || name.contains("..") || name.contains("\\")
                        || name.chars().anyMatch(Character::isISOControl)) {
                    say("skipping output " + name + ": names are 1 to 200 characters, without .., \\ or control characters");
                } else {
                    files.put(name, entry);
                }
            }
        } catch (IOException e) {
            say("cannot list the outputs in " + folder + ": " + e.getMessage());
        }
        return files;
    }

    private void say(String line) {
        synchronized (err) {
            err.println("lackey wrap: " + line);
            err.flush();
        }
    }
}
