package lackey.run;

import java.time.Instant;
import java.util.Optional;

/**
 * Port: where runs live. Each transition is one conditional write that either applies in full or
 * reports that its condition failed; implementations never read before they write.
 */
public interface RunStore {

    /** Stores a new run with its token hash; the id must not exist yet. */
    void create(Run run, TokenHash tokenHash);

    /**
     * SCHEDULED → RUNNING, only if the run is SCHEDULED and the hash matches.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt);

    /**
     * RUNNING → FINISHED/FAILED, only if the run is RUNNING, the hash matches and {@code stopped} is not
     * before the recorded start.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                              StopReport report, Optional<LogRef> log);

    /** A strongly consistent read, for {@code GET} and to explain a failed condition. */
    Optional<StoredRun> find(RunId id);

    /** A run together with the hash of its token, as stored. */
    record StoredRun(Run run, TokenHash tokenHash) {
    }
}
