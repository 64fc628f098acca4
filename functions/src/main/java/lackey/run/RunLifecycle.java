package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The run lifecycle: schedule, start, stop and look up runs. Holds every rule about who may change a
 * run and when; the ports do the I/O. On the success path each call makes exactly one conditional
 * write (plus the log upload and the event); only a failed condition costs a read, to say why.
 *
 * <p>Retries are safe. That read also recognises a retry: a start, stop or cancel repeated with the same
 * token and the same fields as the call that was applied answers with the run as it is now (every field
 * that call set is as it set it), changes nothing and publishes nothing; one with other fields is a
 * {@link WrongState} that says how it differs ({@link Retry}). A token dies with its run, so once a run has
 * ended only the call that ended it is answered again; a heartbeat is not a transition and is simply
 * recorded again ({@link #heartbeat}).
 */
public final class RunLifecycle {

    /** Logs larger than this are refused with 413; 8 MiB leaves room above the 5 MB promised inline. */
    public static final int MAX_INLINE_LOG_BYTES = 8 * 1024 * 1024;
    /** How long after a failed publication the sweeper tries again: long enough for a bus hiccup to pass. */
    public static final Duration REDISPATCH_AFTER = Duration.ofMinutes(1);
    static final int MAX_TASK_ARN = 2048;
    static final int MAX_REASON = 1000;
    /** The reason of a cancel that gives none. */
    static final String DEFAULT_CANCEL_REASON = "cancelled by an operator";

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

    /**
     * A scheduled run with its token and whether its "Run Scheduled" event went out. The token is shown once to
     * the caller, except for a run that waits for another run's output ({@code waits}): that run is started only by
     * the container its dispatch launches, so its token goes to that container alone.
     */
    public record Scheduled(Run run, Token token, boolean published, boolean waits) {

        /** A run that waits for nothing. */
        public Scheduled(Run run, Token token, boolean published) {
            this(run, token, published, false);
        }

        /** The token for whoever scheduled the run: none for a run that waits for a file. */
        public Optional<Token> tokenForCaller() {
            return waits ? Optional.empty() : Optional.of(token);
        }
    }

    /**
     * A run after a transition, and whether the transition's event went out. A {@code repeated} call applied
     * nothing: it is the retry of a call that was, its run is the run as stored, and it published nothing
     * (so {@code published} has nothing to report).
     */
    public record Transition(Run run, boolean published, boolean repeated) {

        /** A transition this call applied. */
        public Transition(Run run, boolean published) {
            this(run, published, false);
        }

        static Transition repeated(Run run) {
            return new Transition(run, true, true);
        }
    }

    /**
     * Schedules a run. If its "Run Scheduled" event cannot be published, a dispatched run is marked as
     * waiting for dispatch, and the sweeper publishes it again (the outbox): it is never silently dropped.
     */
    public Scheduled schedule(RunSpec spec) {
        return schedule(spec, output -> false);
    }

    /**
     * Schedules a run as {@link #schedule(RunSpec)} does. A run that waits for another run's output is not
     * published: the output's arrival dispatches it ({@link #dispatchWaiting}), or at once when {@code landed}
     * says the file is already there.
     */
    public Scheduled schedule(RunSpec spec, Predicate<OutputFile> landed) {
        Token token = Token.generate();
        Run run = Run.scheduled(ids.next(), spec, now());
        store.create(run, token.hash());
        boolean waits = spec.waitFor().isPresent();
        if (waits) {
            if (!landed.test(spec.waitFor().get())) {
                return new Scheduled(run, token, true, true);
            }
            Optional<Run> claimed = store.endWait(run.id(), spec.waitFor().get().key(), token.hash());
            if (claimed.isEmpty()) {
                return new Scheduled(run, token, true, true);
            }
            run = claimed.get();
        }
        var event = new RunEvent.Scheduled(run, spec.dispatched() ? Optional.of(token) : Optional.empty());
        boolean published = events.publish(event);
        if (!published && spec.dispatched()) {
            run = store.markDispatchPending(run.id(), now().plus(REDISPATCH_AFTER).truncatedTo(ChronoUnit.SECONDS)).orElse(run);
        }
        return new Scheduled(run, token, published, waits);
    }

    public Transition start(RunId id, Token token, ClientTime started) {
        return start(id, token, started, Optional.empty());
    }

    /**
     * Starts a run; the simulation may name the ECS task it runs in, so a cancellation can stop it.
     *
     * <p>A retry (same token, {@code ts} and task) of a start that was applied answers with the run as it is now
     * while it is RUNNING: heartbeats may have moved its deadline since, and that is the deadline that applies.
     * A start that differs, in {@code ts} or in its task (a retry must repeat the task the first call sent: a
     * second container has another), is refused as differing. Once the run has ended, its token no longer works:
     * a retried start is refused like any other, and the message says the start had been applied.
     */
    public Transition start(RunId id, Token token, ClientTime started, Optional<String> taskArn) {
        TokenHash hash = token.hash();
        Optional<String> task = taskArn.map(t -> TextField.singleLine("task", t));
        if (task.isPresent() && (task.get().length() > MAX_TASK_ARN || !task.get().startsWith("arn:"))) {
            throw new InvalidInput("task must be the ECS task ARN (arn:…), at most " + MAX_TASK_ARN + " characters");
        }
        Optional<Run> run = store.markStarted(id, hash, started, now(), task);
        if (run.isEmpty()) {
            var retry = new Retry.Start(started, task);
            return Transition.repeated(appliedOrRefused(id, store.find(id), Optional.of(hash), retry, current ->
                    current.status().isFinal() && retry.recordedOn(current)
                            ? WrongState.endedSinceStart(id, current.status())
                            : refusal(id, current, RunStatus.SCHEDULED, "start", Optional.empty())));
        }
        return new Transition(run.get(), events.publish(new RunEvent.Started(run.get())));
    }

    /**
     * Ends a RUNNING run. A run already declared LOST still takes one late stop: its log and reported
     * status are kept beside the LOST verdict.
     */
    public Transition stop(RunId id, Token token, ClientTime stopped, StopReport report, Optional<byte[]> log) {
        return stop(id, token, stopped, report, log, Optional.empty());
    }

    /**
     * Ends a run as {@link #stop(RunId, Token, ClientTime, StopReport, Optional)} does, with its log given
     * either inline ({@code log}, its bytes exactly as sent: a log need not be text) or as the reference of a log it uploaded itself ({@code logUpload}, from
     * {@link RunLogs#grantUpload}): that upload must be this run's and must be there. An uploaded log is the
     * simulation's file, so a refused stop leaves it in place for a retry.
     *
     * <p>An inline log is stored before the conditional write, at a key of this attempt's own, with its SHA-256
     * recorded beside it. A retry (same token, {@code ts}, status, exit code and log: the same bytes inline, or
     * the same {@code logUpload}) of the stop that was applied, on time or as the late stop of a LOST run,
     * answers with the run as that stop left it; a stop that differs is refused and says how. Either way this
     * attempt's inline copy is removed, so only the applied stop's log remains.
     */
    public Transition stop(RunId id, Token token, ClientTime stopped, StopReport report, Optional<byte[]> log,
                           Optional<String> logUpload) {
        if (log.isPresent() && logUpload.isPresent()) {
            throw new InvalidInput("give the log inline (log) or as an upload (logUpload), not both");
        }
        Optional<LogRef> uploadedLog = logUpload.map(reference -> {
            LogUpload upload = LogUpload.of(id, reference);
            return logs.uploaded(upload).orElseThrow(() -> new InvalidInput("logUpload " + upload.reference()
                    + ": nothing was uploaded there; PUT the log to the URL log-upload returned, then stop"));
        });
        TokenHash hash = token.hash();
        Instant now = now();
        Optional<LogRef> storedLog = log.map(bytes -> storeLog(id, attemptId(id, now), bytes));
        Optional<LogRef> recordedLog = storedLog.or(() -> uploadedLog);
        Optional<Run> run = store.markStopped(id, hash, stopped, now, report, recordedLog);
        if (run.isEmpty()) {
            Optional<RunStore.StoredRun> found = store.find(id);
            if (found.isPresent() && found.get().run().status() == RunStatus.LOST && sameHash(found.get().tokenHash(), hash)
                    && found.get().run().stopped().isEmpty()) {
                run = store.recordLateStop(id, hash, stopped, now, report, recordedLog);
                if (run.isEmpty()) {
                    found = store.find(id); // another late stop got there first: compare with that one
                }
            }
            if (run.isEmpty()) {
                try {
                    return Transition.repeated(appliedOrRefused(id, found, Optional.of(hash),
                            new Retry.Stop(stopped, report, recordedLog),
                            current -> refusal(id, current, RunStatus.RUNNING, "stop", Optional.of(stopped))));
                } finally {
                    storedLog.ifPresent(logs::discard);
                }
            }
        }
        return new Transition(run.get(), events.publish(new RunEvent.Stopped(run.get())));
    }

    /**
     * A sign of life from a RUNNING run: moves its deadline; publishes nothing (heartbeats are not transitions).
     *
     * <p>A repeated heartbeat is recorded again, like any heartbeat: it records the same {@code ts}, progress
     * and message, and moves the deadline from its own arrival, never past the run's maximum duration. That is
     * harmless (the repeat is itself a sign of life), keeps a heartbeat one write, and a simulation may well send
     * two different heartbeats within one second of {@code ts}. Once the run has ended, a heartbeat is refused.
     */
    public Run heartbeat(RunId id, Token token, ClientTime ts, Optional<Integer> progress, Optional<String> message) {
        TokenHash hash = token.hash();
        var beat = new Heartbeat(ts, now(), progress, message.map(m -> TextField.multiLine("message", m)));
        return store.recordHeartbeat(id, hash, beat)
                .orElseThrow(() -> rejection(id, hash, RunStatus.RUNNING, "send a heartbeat", Optional.empty()));
    }

    /**
     * An operator ends a SCHEDULED or RUNNING run. Its token stops working at once; the "Run Cancelled"
     * event lets the deployment stop the simulation's task. A reason is single-line text ({@link TextField}), kept
     * exactly as given. A retry with the same reason (or again none)
     * answers with the cancelled run and publishes nothing, so the task is stopped once; another reason is
     * refused as differing.
     */
    public Transition cancel(RunId id, Optional<String> reason) {
        String why = reason.map(r -> TextField.singleLine("reason", r)).orElse(DEFAULT_CANCEL_REASON);
        if (why.length() > MAX_REASON) {
            throw new InvalidInput("reason is longer than " + MAX_REASON + " characters");
        }
        Optional<Run> run = store.markCancelled(id, why, now());
        if (run.isEmpty()) {
            return Transition.repeated(appliedOrRefused(id, store.find(id), Optional.empty(), new Retry.Cancel(why),
                    current -> current.status().isFinal()
                            ? new WrongState(id, current.status(), "be cancelled") : new WrongState(id, "cancel")));
        }
        return new Transition(run.get(), events.publish(new RunEvent.Cancelled(run.get())));
    }

    /** What one sweep did: the runs it declared LOST and those whose dispatch it published again. */
    public record Sweep(List<Run> lost, List<Run> redispatched) {
    }

    /**
     * Declares every overdue live run LOST and publishes "Run Lost" for each, up to {@code max} runs a
     * sweep. A run whose deadline moved since it was found (a heartbeat, a stop) is left alone.
     */
    public Sweep sweep(int max) {
        Instant now = now();
        var lost = new ArrayList<Run>();
        var redispatched = new ArrayList<Run>();
        for (Run overdue : store.overdue(now, max)) {
            Deadline missed = overdue.deadline().orElseThrow();
            if (missed.kind() == DeadlineKind.DISPATCH) {
                redispatch(overdue, missed, now).ifPresent(redispatched::add);
                continue;
            }
            store.markLost(overdue.id(), missed, missed.kind().reason(overdue.spec().timeouts()), now).ifPresent(run -> {
                events.publish(new RunEvent.Lost(run));
                lost.add(run);
            });
        }
        return new Sweep(List.copyOf(lost), List.copyOf(redispatched));
    }

    /**
     * Publishes a pending "Run Scheduled" again, with a fresh token: the token its first event may have
     * carried stops working, so however many containers were launched, only one can start the run.
     */
    private Optional<Run> redispatch(Run pending, Deadline missed, Instant now) {
        Token fresh = Token.generate();
        var startBy = new Deadline(pending.scheduledAt().plus(pending.spec().timeouts().startTimeout())
                .truncatedTo(ChronoUnit.SECONDS), DeadlineKind.START);
        Optional<Run> rotated = store.rotateForDispatch(pending.id(), missed, fresh.hash(), startBy);
        if (rotated.isEmpty()) {
            return Optional.empty();
        }
        if (!events.publish(new RunEvent.Scheduled(rotated.get(), Optional.of(fresh)))) {
            store.markDispatchPending(pending.id(), now.plus(REDISPATCH_AFTER).truncatedTo(ChronoUnit.SECONDS));
            return Optional.empty();
        }
        return rotated;
    }

    /**
     * Dispatches every run waiting for {@code output}, which just landed: each gets a fresh token and its
     * "Run Scheduled" event. A run whose event cannot be published goes to the outbox like any other.
     * @return the runs dispatched by this call (a repeated event finds none left)
     */
    public List<Run> dispatchWaiting(OutputFile output) {
        var dispatched = new ArrayList<Run>();
        for (Run waiting : store.waitingFor(output.key())) {
            Token fresh = Token.generate();
            store.endWait(waiting.id(), output.key(), fresh.hash()).ifPresent(run -> {
                if (events.publish(new RunEvent.Scheduled(run, Optional.of(fresh)))) {
                    dispatched.add(run);
                } else {
                    store.markDispatchPending(run.id(), now().plus(REDISPATCH_AFTER).truncatedTo(ChronoUnit.SECONDS));
                }
            });
        }
        return List.copyOf(dispatched);
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
        if (!sameHash(found.get().tokenHash(), presented)) {
            return new WrongToken(id);
        }
        return refusal(id, found.get().run(), required, attempted, stopped);
    }

    /**
     * The failure path of a transition that may be a retry, on the run as read after its refused write: the
     * run the applied call left when {@code retry} is that very call, else the refusal (404, 403 for another
     * token, 409 saying how a call of the same kind differs, or {@code otherwise}).
     */
    private static Run appliedOrRefused(RunId id, Optional<RunStore.StoredRun> found, Optional<TokenHash> presented,
                                        Retry retry, Function<Run, RunException> otherwise) {
        if (found.isEmpty()) {
            throw new RunNotFound(id);
        }
        if (presented.isPresent() && !sameHash(found.get().tokenHash(), presented.get())) {
            throw new WrongToken(id);
        }
        Run run = found.get().run();
        if (!retry.leftBy(run)) {
            throw otherwise.apply(run);
        }
        List<String> differences = retry.differencesFrom(run);
        if (!differences.isEmpty()) {
            throw WrongState.differs(id, run.status(), retry.call(), differences);
        }
        return run;
    }

    /** Why a run whose token matched refused a transition that needs it {@code required}. */
    private static RunException refusal(RunId id, Run run, RunStatus required, String attempted,
                                        Optional<ClientTime> stopped) {
        if (run.status() != required) {
            return new WrongState(id, run.status(), attempted);
        }
        if (run.spec().waitFor().isPresent()) {
            return WrongState.waiting(id, run.spec().waitFor().get());
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

    /**
     * Stores an inline log, its bytes exactly as sent, and records the SHA-256 of those bytes with it, so a
     * retried stop can tell its own copy of the log from another log without reading either; and whether they are
     * UTF-8, which decides how the log is served.
     */
    private LogRef storeLog(RunId id, String attempt, byte[] bytes) {
        if (bytes.length > MAX_INLINE_LOG_BYTES) {
            throw new TooLarge("log is larger than " + MAX_INLINE_LOG_BYTES + " bytes");
        }
        String digest = HexFormat.of().formatHex(sha256().digest(bytes));
        boolean utf8 = Utf8.isWellFormed(bytes);
        LogRef stored = logs.put(id, attempt, bytes, utf8);
        return new LogRef(stored.location(), stored.bytes(), Optional.of(digest), utf8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Server receive times, to the millisecond: finer digits are noise across machines. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Orders attempts by time and keeps concurrent ones apart; the same scheme as uploaded logs. */
    private String attemptId(RunId id, Instant now) {
        return LogUpload.next(id, now, random).attempt();
    }
}
