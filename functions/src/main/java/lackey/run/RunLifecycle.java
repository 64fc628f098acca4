package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The run lifecycle: schedule, start, stop and look up runs. Holds every rule about who may change a
 * run and when; the ports do the I/O. On the success path each call makes exactly one conditional
 * write (plus the log upload and the event); only a failed condition costs a read, to say why.
 */
public final class RunLifecycle {

    /** Logs larger than this are refused with 413; 8 MiB leaves room above the 5 MB promised inline. */
    public static final int MAX_INLINE_LOG_BYTES = 8 * 1024 * 1024;

    private final RunStore store;
    private final RunIds ids;
    private final LogStore logs;
    private final RunEvents events;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RunLifecycle(RunStore store, RunIds ids, LogStore logs, RunEvents events, Clock clock) {
        this.store = store;
        this.ids = ids;
        this.logs = logs;
        this.events = events;
        this.clock = clock;
    }

    /** A scheduled run with its token (shown once) and whether its "Run Scheduled" event went out. */
    public record Scheduled(Run run, Token token, boolean published) {
    }

    /** A run after a transition, and whether the transition's event went out. */
    public record Transition(Run run, boolean published) {
    }

    public Scheduled schedule(RunSpec spec) {
        Token token = Token.generate();
        Run run = Run.scheduled(ids.next(), spec, now());
        store.create(run, token.hash());
        var event = new RunEvent.Scheduled(run, spec.dispatched() ? Optional.of(token) : Optional.empty());
        return new Scheduled(run, token, events.publish(event));
    }

    public Transition start(RunId id, Token token, ClientTime started) {
        TokenHash hash = token.hash();
        Run run = store.markStarted(id, hash, started, now())
                .orElseThrow(() -> rejection(id, hash, RunStatus.SCHEDULED, "start", Optional.empty()));
        return new Transition(run, events.publish(new RunEvent.Started(run)));
    }

    public Transition stop(RunId id, Token token, ClientTime stopped, StopReport report, Optional<String> log) {
        TokenHash hash = token.hash();
        Instant now = now();
        Optional<LogRef> storedLog = log.map(text -> logs.put(id, attemptId(now), checkedLog(text)));
        Optional<Run> run = store.markStopped(id, hash, stopped, now, report, storedLog);
        if (run.isEmpty()) {
            storedLog.ifPresent(logs::discard);
            throw rejection(id, hash, RunStatus.RUNNING, "stop", Optional.of(stopped));
        }
        return new Transition(run.get(), events.publish(new RunEvent.Stopped(run.get())));
    }

    public Run get(RunId id) {
        return store.find(id).map(RunStore.StoredRun::run).orElseThrow(() -> new RunNotFound(id));
    }

    /** Reads the run once to tell the caller exactly why its conditional write was refused. */
    private RunException rejection(RunId id, TokenHash presented, RunStatus required, String attempted,
                                   Optional<ClientTime> stopped) {
        Optional<RunStore.StoredRun> found = store.find(id);
        if (found.isEmpty()) {
            return new RunNotFound(id);
        }
        Run run = found.get().run();
        if (!sameHash(found.get().tokenHash(), presented)) {
            return new WrongToken(id);
        }
        if (run.status() != required) {
            return new WrongState(id, run.status(), attempted);
        }
        if (stopped.isPresent() && run.started().isPresent()
                && stopped.get().epochSeconds() < run.started().get().epochSeconds()) {
            return new InvalidInput("ts " + stopped.get().epochSeconds() + " is before the run's start ts "
                    + run.started().get().epochSeconds());
        }
        return new WrongState(id, attempted);
    }

    private static boolean sameHash(TokenHash stored, TokenHash presented) {
        return MessageDigest.isEqual(stored.hex().getBytes(StandardCharsets.US_ASCII),
                presented.hex().getBytes(StandardCharsets.US_ASCII));
    }

    private static String checkedLog(String text) {
        // A UTF-8 byte count can be up to 3× the char count; only measure exactly when it could matter.
        if ((long) text.length() * 3 > MAX_INLINE_LOG_BYTES
                && text.getBytes(StandardCharsets.UTF_8).length > MAX_INLINE_LOG_BYTES) {
            throw new TooLarge("log is larger than " + MAX_INLINE_LOG_BYTES + " bytes");
        }
        return text;
    }

    /** Server receive times, to the millisecond: finer digits are noise across machines. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Orders attempts by time and keeps concurrent ones apart. */
    private String attemptId(Instant now) {
        byte[] nonce = new byte[4];
        random.nextBytes(nonce);
        return now.toEpochMilli() + "-" + HexFormat.of().formatHex(nonce);
    }
}
