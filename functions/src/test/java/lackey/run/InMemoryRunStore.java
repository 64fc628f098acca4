package lackey.run;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hand-written fake of {@link RunStore} with the same conditional semantics as the DynamoDB one. Not final: a
 * test may override a method to let another caller in between a read and a write.
 */
class InMemoryRunStore implements RunStore {

    final Map<RunId, StoredRun> runs = new ConcurrentHashMap<>();
    private final Map<RunId, Instant> endBy = new ConcurrentHashMap<>();
    int reads;

    @Override
    public void create(Run run, TokenHash tokenHash) {
        if (runs.putIfAbsent(run.id(), new StoredRun(run, tokenHash)) != null) {
            throw new IllegalStateException("id taken");
        }
    }

    @Override
    public synchronized Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt,
                                                  Optional<String> taskArn) {
        StoredRun stored = runs.get(id);
        if (stored == null || !stored.tokenHash().equals(tokenHash) || stored.run().status() != RunStatus.SCHEDULED
                || stored.run().spec().waitFor().isPresent()) {
            return Optional.empty();
        }
        Run r = stored.run();
        Timeouts timeouts = r.spec().timeouts();
        Instant now = receivedAt.truncatedTo(ChronoUnit.SECONDS);
        Run next = new Run(r.id(), r.spec(), RunStatus.RUNNING, r.scheduledAt(), Optional.of(started),
                Optional.of(receivedAt), r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log(), r.heartbeat(),
                Optional.of(new Deadline(now.plus(timeouts.firstRunningWindow()), timeouts.firstRunningKind())),
                r.interruption(), taskArn).withLaunchFailures(r.launchFailures());
        endBy.put(id, now.plus(timeouts.maxDuration()));
        runs.put(id, new StoredRun(next, tokenHash));
        return Optional.of(next);
    }

    @Override
    public synchronized Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                                 StopReport report, Optional<LogRef> log) {
        StoredRun stored = runs.get(id);
        if (stored == null || !stored.tokenHash().equals(tokenHash) || stored.run().status() != RunStatus.RUNNING
                || stored.run().started().orElseThrow().epochSeconds() > stopped.epochSeconds()) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run next = new Run(r.id(), r.spec(), report.status(), r.scheduledAt(), r.started(), r.startedReceivedAt(),
                Optional.of(stopped), Optional.of(receivedAt), report.exitCode(), log, r.heartbeat(), Optional.empty(),
                r.interruption(), r.taskArn()).withLaunchFailures(r.launchFailures());
        runs.put(id, new StoredRun(next, tokenHash));
        return Optional.of(next);
    }

    @Override
    public synchronized Optional<Run> recordHeartbeat(RunId id, TokenHash tokenHash, Heartbeat heartbeat) {
        StoredRun stored = runs.get(id);
        if (stored == null || !stored.tokenHash().equals(tokenHash) || stored.run().status() != RunStatus.RUNNING) {
            return Optional.empty();
        }
        Run r = stored.run();
        Instant silence = heartbeat.receivedAt().truncatedTo(ChronoUnit.SECONDS)
                .plus(r.spec().timeouts().heartbeatTimeoutOnceBeating());
        Deadline next = silence.isAfter(endBy.get(id)) ? new Deadline(endBy.get(id), DeadlineKind.MAX_DURATION)
                : new Deadline(silence, DeadlineKind.HEARTBEAT);
        long count = r.heartbeat().map(Heartbeat::count).orElse(0L) + 1;
        Heartbeat counted = new Heartbeat(heartbeat.ts(), heartbeat.receivedAt(), heartbeat.progress(), heartbeat.message(), count);
        Run beating = new Run(r.id(), r.spec(), r.status(), r.scheduledAt(), r.started(), r.startedReceivedAt(),
                r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log(), Optional.of(counted), Optional.of(next),
                r.interruption(), r.taskArn()).withLaunchFailures(r.launchFailures());
        runs.put(id, new StoredRun(beating, tokenHash));
        return Optional.of(beating);
    }

    @Override
    public synchronized Optional<Run> recordLateStop(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                                    StopReport report, Optional<LogRef> log) {
        StoredRun stored = runs.get(id);
        if (stored == null || !stored.tokenHash().equals(tokenHash) || stored.run().status() != RunStatus.LOST
                || stored.run().stopped().isPresent()) {
            return Optional.empty();
        }
        Run r = stored.run();
        Interruption lost = r.interruption().orElseThrow();
        Run late = new Run(r.id(), r.spec(), RunStatus.LOST, r.scheduledAt(), r.started(), r.startedReceivedAt(),
                Optional.of(stopped), Optional.of(receivedAt), report.exitCode(), log, r.heartbeat(), Optional.empty(),
                Optional.of(new Interruption(lost.at(), lost.reason(), Optional.of(report.status()))), r.taskArn());
        runs.put(id, new StoredRun(late, tokenHash));
        return Optional.of(late);
    }

    @Override
    public List<Run> overdue(Instant now, int max) {
        return runs.values().stream().map(StoredRun::run)
                .filter(r -> r.deadline().isPresent() && !r.deadline().get().at().isAfter(now))
                .limit(max).toList();
    }

    @Override
    public synchronized Optional<Run> markLost(RunId id, Deadline missed, String reason, Instant now) {
        StoredRun stored = runs.get(id);
        if (stored == null || stored.run().status().isFinal() || !stored.run().deadline().equals(Optional.of(missed))) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run lost = new Run(r.id(), withoutWait(r.spec()), RunStatus.LOST, r.scheduledAt(), r.started(), r.startedReceivedAt(),
                r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log(), r.heartbeat(), Optional.empty(),
                Optional.of(new Interruption(now, reason, Optional.empty())), r.taskArn()).withLaunchFailures(r.launchFailures());
        runs.put(id, new StoredRun(lost, stored.tokenHash()));
        return Optional.of(lost);
    }

    @Override
    public synchronized Optional<Run> markDispatchPending(RunId id, Instant retryAt) {
        StoredRun stored = runs.get(id);
        if (stored == null || stored.run().status() != RunStatus.SCHEDULED) {
            return Optional.empty();
        }
        Run pending = stored.run().withDeadline(Optional.of(new Deadline(retryAt, DeadlineKind.DISPATCH)));
        runs.put(id, new StoredRun(pending, stored.tokenHash()));
        return Optional.of(pending);
    }

    @Override
    public synchronized Optional<Run> rotateForDispatch(RunId id, Deadline missed, TokenHash newTokenHash, Deadline startBy) {
        StoredRun stored = runs.get(id);
        if (stored == null || stored.run().status() != RunStatus.SCHEDULED || !stored.run().deadline().equals(Optional.of(missed))) {
            return Optional.empty();
        }
        Run rotated = stored.run().withDeadline(Optional.of(startBy));
        runs.put(id, new StoredRun(rotated, newTokenHash));
        return Optional.of(rotated);
    }

    /** The delay before each run's next re-dispatch after a failed launch, as DynamoRunStore keeps it on the item. */
    private final Map<RunId, Duration> launchBackoff = new ConcurrentHashMap<>();

    @Override
    public synchronized Optional<Run> recordLaunchFailure(RunId id, TokenHash launched, TokenHash revoked, Instant at,
                                                         String reason, int retries, Duration firstDelay) {
        StoredRun stored = runs.get(id);
        int earlier = stored == null ? 0 : stored.run().launchFailures().map(LaunchFailures::count).orElse(0);
        if (stored == null || !stored.tokenHash().equals(launched) || stored.run().status() != RunStatus.SCHEDULED
                || earlier >= retries) {
            return Optional.empty();
        }
        Duration backoff = launchBackoff.getOrDefault(id, firstDelay);
        launchBackoff.put(id, backoff.multipliedBy(2));
        Run next = stored.run()
                .withDeadline(Optional.of(new Deadline(at.truncatedTo(ChronoUnit.SECONDS).plus(backoff), DeadlineKind.DISPATCH)))
                .withLaunchFailures(Optional.of(new LaunchFailures(earlier + 1, at, reason)));
        runs.put(id, new StoredRun(next, revoked));
        return Optional.of(next);
    }

    @Override
    public synchronized Optional<Run> markLaunchFailedLost(RunId id, TokenHash launched, TokenHash revoked, Instant at,
                                                          String reason, int retries, String lostReason) {
        StoredRun stored = runs.get(id);
        int earlier = stored == null ? 0 : stored.run().launchFailures().map(LaunchFailures::count).orElse(0);
        if (stored == null || !stored.tokenHash().equals(launched) || stored.run().status() != RunStatus.SCHEDULED
                || earlier < retries) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run lost = new Run(r.id(), withoutWait(r.spec()), RunStatus.LOST, r.scheduledAt(), r.started(), r.startedReceivedAt(),
                r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log(), r.heartbeat(), Optional.empty(),
                Optional.of(new Interruption(at, lostReason, Optional.empty())), r.taskArn(), r.outputs(),
                Optional.of(new LaunchFailures(earlier + 1, at, reason)));
        launchBackoff.remove(id);
        runs.put(id, new StoredRun(lost, revoked));
        return Optional.of(lost);
    }

    @Override
    public synchronized List<Run> waitingFor(String awaitKey) {
        return runs.values().stream().map(StoredRun::run)
                .filter(run -> run.spec().waitFor().map(OutputFile::key).filter(awaitKey::equals).isPresent())
                .toList();
    }

    @Override
    public synchronized Optional<Run> endWait(RunId id, String awaitKey, TokenHash tokenHash) {
        StoredRun stored = runs.get(id);
        if (stored == null || stored.run().status() != RunStatus.SCHEDULED
                || !stored.run().spec().waitFor().map(OutputFile::key).filter(awaitKey::equals).isPresent()) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run next = new Run(r.id(), withoutWait(r.spec()), r.status(), r.scheduledAt(), r.started(), r.startedReceivedAt(), r.stopped(),
                r.stoppedReceivedAt(), r.exitCode(), r.log(), r.heartbeat(), r.deadline(), r.interruption(), r.taskArn(),
                r.outputs(), r.launchFailures());
        runs.put(id, new StoredRun(next, tokenHash));
        return Optional.of(next);
    }

    @Override
    public synchronized Optional<Run> markCancelled(RunId id, String reason, Instant now) {
        StoredRun stored = runs.get(id);
        if (stored == null || stored.run().status().isFinal()) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run cancelled = new Run(r.id(), withoutWait(r.spec()), RunStatus.CANCELLED, r.scheduledAt(), r.started(), r.startedReceivedAt(),
                r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log(), r.heartbeat(), Optional.empty(),
                Optional.of(new Interruption(now, reason, Optional.empty())), r.taskArn()).withLaunchFailures(r.launchFailures());
        runs.put(id, new StoredRun(cancelled, stored.tokenHash()));
        return Optional.of(cancelled);
    }

    @Override
    public Optional<StoredRun> find(RunId id) {
        reads++;
        return Optional.ofNullable(runs.get(id));
    }

    /** An ended or dispatched run waits for nothing, as DynamoRunStore removes awaitKey. */
    private static RunSpec withoutWait(RunSpec s) {
        return new RunSpec(s.name(), s.command(), s.params(), s.tags(), s.timeouts(), Optional.empty());
    }
}
