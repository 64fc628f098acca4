package lackey.run;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What lackey does when a run's container could not be launched: it records the failure on the run (how many, when,
 * why), revokes the token that launch carried, and either launches the run again later, with a fresh token (the
 * sweeper publishes its "Run Scheduled" again at a DISPATCH deadline that backs off), or, after its last attempt,
 * declares it LOST with the reason. Either way it publishes "Run Launch Failed".
 *
 * <p>Each failure is one conditional write on the success path, with no read before it. It is safe to hear of a
 * failure twice: the write that records it also revokes the token, so the same failure again (a redelivered event),
 * or the failure of a launch older than the run's current one, changes nothing; nor does a failure reported for a run
 * that has started (another launch of the same token got there) or ended.
 */
public final class RecordLaunchFailure {

    /** What became of a reported failure. */
    public enum Outcome {
        /** Recorded; the run is launched again at its DISPATCH deadline. */
        RETRYING,
        /** Recorded; that was the last attempt, the run is LOST. */
        GAVE_UP,
        /** Changed nothing: the launch's token is no longer the run's (this failure was recorded already, or the run was launched again since). */
        STALE,
        /** Changed nothing: the run is not waiting to start (it started, or it ended). */
        NOT_SCHEDULED,
        /** Changed nothing: no such run. */
        UNKNOWN_RUN
    }

    /**
     * The outcome, the run as it is now (absent for an unknown run) and, when the failure was recorded, whether its
     * "Run Launch Failed" event went out.
     */
    public record Result(Outcome outcome, Optional<Run> run, boolean published) {

        /** True when this call changed the run. */
        public boolean recorded() {
            return outcome == Outcome.RETRYING || outcome == Outcome.GAVE_UP;
        }
    }

    private final RunStore store;
    private final RunEvents events;
    private final LaunchRetries retries;
    private final Clock clock;

    public RecordLaunchFailure(RunStore store, RunEvents events, LaunchRetries retries, Clock clock) {
        this.store = store;
        this.events = events;
        this.retries = retries;
        this.clock = clock;
    }

    public Result record(LaunchFailure failure) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        TokenHash launched = failure.launchedWith().hash();
        // The launched token dies here, whatever follows: a fresh one nobody holds takes its place until the re-dispatch.
        TokenHash revoked = Token.generate().hash();
        if (retries.retries() > 0) {
            Optional<Run> retrying = store.recordLaunchFailure(failure.run(), launched, revoked, now, failure.reason(),
                    retries.retries(), retries.firstDelay());
            if (retrying.isPresent()) {
                return recorded(Outcome.RETRYING, retrying.get());
            }
        }
        Optional<Run> lost = store.markLaunchFailedLost(failure.run(), launched, revoked, now, failure.reason(),
                retries.retries(), lostReason(failure.reason()));
        if (lost.isPresent()) {
            return recorded(Outcome.GAVE_UP, lost.get());
        }
        // Both conditions failed: one read to say why, for the log.
        Optional<RunStore.StoredRun> found = store.find(failure.run());
        if (found.isEmpty()) {
            return new Result(Outcome.UNKNOWN_RUN, Optional.empty(), false);
        }
        Outcome ignored = !found.get().tokenHash().equals(launched) ? Outcome.STALE : Outcome.NOT_SCHEDULED;
        return new Result(ignored, Optional.of(found.get().run()), false);
    }

    private Result recorded(Outcome outcome, Run run) {
        return new Result(outcome, Optional.of(run), events.publish(new RunEvent.LaunchFailed(run)));
    }

    /** Why a run whose last launch failed is LOST, e.g. {@code container not launched after 3 attempts: CannotPull…}. */
    String lostReason(String lastReason) {
        return LaunchFailure.readable("container not launched after " + retries.attempts()
                + (retries.attempts() == 1 ? " attempt: " : " attempts: ") + lastReason);
    }
}
