package lackey.run;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A hand-written fake of {@link RunStore} with the same conditional semantics as the DynamoDB one. */
final class InMemoryRunStore implements RunStore {

    final Map<RunId, StoredRun> runs = new ConcurrentHashMap<>();
    int reads;

    @Override
    public void create(Run run, TokenHash tokenHash) {
        if (runs.putIfAbsent(run.id(), new StoredRun(run, tokenHash)) != null) {
            throw new IllegalStateException("id taken");
        }
    }

    @Override
    public synchronized Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt) {
        StoredRun stored = runs.get(id);
        if (stored == null || !stored.tokenHash().equals(tokenHash) || stored.run().status() != RunStatus.SCHEDULED) {
            return Optional.empty();
        }
        Run r = stored.run();
        Run next = new Run(r.id(), r.spec(), RunStatus.RUNNING, r.scheduledAt(), Optional.of(started),
                Optional.of(receivedAt), r.stopped(), r.stoppedReceivedAt(), r.exitCode(), r.log());
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
                Optional.of(stopped), Optional.of(receivedAt), report.exitCode(), log);
        runs.put(id, new StoredRun(next, tokenHash));
        return Optional.of(next);
    }

    @Override
    public Optional<StoredRun> find(RunId id) {
        reads++;
        return Optional.ofNullable(runs.get(id));
    }
}
