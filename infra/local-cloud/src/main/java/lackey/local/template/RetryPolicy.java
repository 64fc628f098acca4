package lackey.local.template;

import java.time.Duration;

/**
 * An EventBridge target's {@code RetryPolicy}: how often, and for how long after the event, EventBridge tries again
 * to deliver an event its target did not take, before the target's dead-letter queue gets it.
 *
 * @param maximumRetryAttempts {@code MaximumRetryAttempts}, 0 to 185
 * @param maximumEventAge      {@code MaximumEventAgeInSeconds}, 60 s to a day
 */
public record RetryPolicy(int maximumRetryAttempts, Duration maximumEventAge) {

    /** What EventBridge does for a target without a retry policy: 185 retries within 24 hours. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(185, Duration.ofHours(24));
}
