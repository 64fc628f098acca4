package lackey.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: where runs live. Each transition is one conditional write that either applies in full or
 * reports that its condition failed; implementations never read before they write.
 */
public interface RunStore {

    /** Stores a new run with its token hash; the id must not exist yet. */
    void create(Run run, TokenHash tokenHash);

    /**
     * SCHEDULED → RUNNING, only if the run is SCHEDULED and the hash matches. The next deadline is the run's
     * first running window ({@link Timeouts#firstRunningWindow()}) from now; the run must end by
     * now + its maximum duration.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt, Optional<String> taskArn);

    /**
     * Records a heartbeat of a RUNNING run whose hash matches, and moves its deadline to now + its
     * heartbeat timeout, never past the end of its maximum duration.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> recordHeartbeat(RunId id, TokenHash tokenHash, Heartbeat heartbeat);

    /**
     * RUNNING → FINISHED/FAILED, only if the run is RUNNING, the hash matches and {@code stopped} is not
     * before the recorded start.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                              StopReport report, Optional<LogRef> log);

    /**
     * Records the stop a LOST run's simulation sent after all (once): its timestamps, log and reported status.
     * The run stays LOST.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> recordLateStop(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                 StopReport report, Optional<LogRef> log);

    /** Live runs whose deadline is at or before {@code now}, at most {@code max} of them, found through an index. */
    List<Run> overdue(Instant now, int max);

    /**
     * SCHEDULED/RUNNING → LOST, only if the run still has the deadline it missed (a heartbeat that moved
     * it in the meantime wins).
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markLost(RunId id, Deadline missed, String reason, Instant now);

    /**
     * SCHEDULED/RUNNING → CANCELLED, by an operator.
     * @return the run after the change, or empty if it had already ended (or does not exist)
     */
    Optional<Run> markCancelled(RunId id, String reason, Instant now);

    /**
     * Marks a SCHEDULED run whose "Run Scheduled" event could not be published: its deadline becomes a
     * DISPATCH deadline at {@code retryAt}, when the sweeper publishes it again. Only the failure path pays this write.
     * @return the run after the change, or empty if it is no longer waiting to start
     */
    Optional<Run> markDispatchPending(RunId id, Instant retryAt);

    /**
     * For a re-dispatch: gives a SCHEDULED run still at the DISPATCH deadline it missed a new token hash (the
     * old token, which an earlier container may hold, stops working: the start call is the fence) and its
     * start deadline back.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> rotateForDispatch(RunId id, Deadline missed, TokenHash newTokenHash, Deadline startBy);

    /**
     * Records a failed launch of a SCHEDULED run whose token hash is still {@code launched} and which had fewer than
     * {@code retries} failed launches before: counts it, keeps {@code at} and {@code reason}, revokes the launched
     * token (the hash becomes {@code revoked}, whose token nobody holds) and sets a DISPATCH deadline, when the
     * sweeper launches it again: {@code firstDelay} after {@code at} for the first failure, twice the last delay for
     * each one after it. Since the token is revoked in the same write, the same failure reported again finds the
     * condition false, and so does the failure of a launch older than the current one.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> recordLaunchFailure(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                      int retries, Duration firstDelay);

    /**
     * SCHEDULED → LOST for a run whose last allowed launch failed: its token hash is still {@code launched} and it had
     * at least {@code retries} failed launches before. Counts and keeps the failure as
     * {@link #recordLaunchFailure} does, revokes the token, and records {@code lostReason}.
     * @return the run after the change, or empty if the condition failed
     */
    Optional<Run> markLaunchFailedLost(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                       int retries, String lostReason);

    /** SCHEDULED runs still waiting for the output at {@code awaitKey}, found through an index. */
    List<Run> waitingFor(String awaitKey);

    /**
     * Ends a SCHEDULED run's wait for the output at {@code awaitKey} and gives it {@code tokenHash}: only one
     * caller wins, however many events report the same file.
     * @return the run after the change, or empty if it no longer waits for that file
     */
    Optional<Run> endWait(RunId id, String awaitKey, TokenHash tokenHash);

    /** A strongly consistent read, for {@code GET} and to explain a failed condition. */
    Optional<StoredRun> find(RunId id);

    /** A run together with the hash of its token, as stored. */
    record StoredRun(Run run, TokenHash tokenHash) {
    }
}
