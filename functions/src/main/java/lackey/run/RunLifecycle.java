package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The run lifecycle: schedule, start, stop and look up runs. Holds every rule about who may change a
 * run and when; the ports do the I/O. On the success path each call makes exactly one conditional
 * write (plus the log upload and the event); only a failed condition costs a read, to say why.
 */
public final class RunLifecycle {

    /** Logs larger than this are refused with 413; 8 MiB leaves room above the 5 MB promised inline. */
    public static final int MAX_INLINE_LOG_BYTES = 8 * 1024 * 1024;
    /** How long after a failed publication the sweeper tries again: long enough for a bus hiccup to pass. */
    public static final Duration REDISPATCH_AFTER = Duration.ofMinutes(1);
    static final int MAX_TASK_ARN = 2048;
    static final int MAX_REASON = 1000;

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

    /** A run after a transition, and whether the transition's event went out. */
    public record Transition(Run run, boolean published) {
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

    /** Starts a run; the simulation may name the ECS task it runs in, so a cancellation can stop it. */
    public Transition start(RunId id, Token token, ClientTime started, Optional<String> taskArn) {
        TokenHash hash = token.hash();
        Optional<String> task = taskArn.filter(t -> !t.isBlank()).map(String::strip);
        if (task.isPresent() && (task.get().length() > MAX_TASK_ARN || !task.get().startsWith("arn:"))) {
            throw new InvalidInput("task must be the ECS task ARN (arn:…), at most " + MAX_TASK_ARN + " characters");
        }
        Run run = store.markStarted(id, hash, started, now(), task)
                .orElseThrow(() -> rejection(id, hash, RunStatus.SCHEDULED, "start", Optional.empty()));
        return new Transition(run, events.publish(new RunEvent.Started(run)));
    }

    /**
     * Ends a RUNNING run. A run already declared LOST still takes one late stop: its log and reported
     * status are kept beside the LOST verdict.
     */
    public Transition stop(RunId id, Token token, ClientTime stopped, StopReport report, Optional<String> log) {
        return stop(id, token, stopped, report, log, Optional.empty());
    }

    /**
     * Ends a run as {@link #stop(RunId, Token, ClientTime, StopReport, Optional)} does, with its log given
     * either inline ({@code log}) or as the reference of a log it uploaded itself ({@code logUpload}, from
     * {@link RunLogs#grantUpload}): that upload must be this run's and must be there. An uploaded log is the
     * simulation's file, so a refused stop leaves it in place for a retry.
     */
    public Transition stop(RunId id, Token token, ClientTime stopped, StopReport report, Optional<String> log,
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
        Optional<LogRef> storedLog = log.map(text -> logs.put(id, attemptId(id, now), checkedLog(text)));
        Optional<LogRef> recordedLog = storedLog.or(() -> uploadedLog);
        Optional<Run> run = store.markStopped(id, hash, stopped, now, report, recordedLog);
        if (run.isEmpty()) {
            Optional<RunStore.StoredRun> found = store.find(id);
            if (found.isPresent() && found.get().run().status() == RunStatus.LOST && sameHash(found.get().tokenHash(), hash)
                    && found.get().run().stopped().isEmpty()) {
                run = store.recordLateStop(id, hash, stopped, now, report, recordedLog);
            }
            if (run.isEmpty()) {
                storedLog.ifPresent(logs::discard);
                throw explain(id, found, hash, RunStatus.RUNNING, "stop", Optional.of(stopped));
            }
        }
        return new Transition(run.get(), events.publish(new RunEvent.Stopped(run.get())));
    }

    /** A sign of life from a RUNNING run: moves its deadline; publishes nothing (heartbeats are not transitions). */
    public Run heartbeat(RunId id, Token token, ClientTime ts, Optional<Integer> progress, Optional<String> message) {
        TokenHash hash = token.hash();
        var beat = new Heartbeat(ts, now(), progress, message.filter(m -> !m.isBlank()));
        return store.recordHeartbeat(id, hash, beat)
                .orElseThrow(() -> rejection(id, hash, RunStatus.RUNNING, "send a heartbeat", Optional.empty()));
    }

    /**
     * An operator ends a SCHEDULED or RUNNING run. Its token stops working at once; the "Run Cancelled"
     * event lets the deployment stop the simulation's task.
     */
    public Transition cancel(RunId id, Optional<String> reason) {
        String why = reason.filter(r -> !r.isBlank()).map(String::strip).orElse("cancelled by an operator");
        if (why.length() > MAX_REASON) {
            throw new InvalidInput("reason is longer than " + MAX_REASON + " characters");
        }
        Run run = store.markCancelled(id, why, now()).orElseThrow(() -> {
            Run found = get(id);
            return found.status().isFinal() ? new WrongState(id, found.status(), "be cancelled") : new WrongState(id, "cancel");
        });
        return new Transition(run, events.publish(new RunEvent.Cancelled(run)));
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
        return explain(id, store.find(id), presented, required, attempted, stopped);
    }

    private static RunException explain(RunId id, Optional<RunStore.StoredRun> found, TokenHash presented,
                                        RunStatus required, String attempted, Optional<ClientTime> stopped) {
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

    /** Orders attempts by time and keeps concurrent ones apart; the same scheme as uploaded logs. */
    private String attemptId(RunId id, Instant now) {
        return LogUpload.next(id, now, random).attempt();
    }
}
