package lackey.run;

import java.time.Instant;

/**
 * What lackey knows of the failed launches of a run's container: how many failed, when the last one failed (the
 * server's clock) and why, as AWS said it. Kept on the run for good, also once a later launch succeeded.
 */
public record LaunchFailures(int count, Instant lastAt, String lastReason) {

    public LaunchFailures {
        if (count < 1) {
            throw new IllegalArgumentException("a run with launch failures has at least one");
        }
    }
}
