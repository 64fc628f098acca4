package lackey.run;

import java.time.Duration;

/**
 * A service a run is kept in could not answer now, even after the retries the call already made: it was
 * unreachable, throttled the call, failed, or did not answer in time. A passing condition, so the caller may send
 * the same request again after {@link #retryAfter()}. Whether the call took effect is not known (its answer may
 * be what was lost), which is why repeating it must be safe: a repeated start, heartbeat, stop or cancel is
 * answered as the first was ({@link Retry}).
 */
public final class Unavailable extends RunException {

    /** A service that asks for fewer calls is usually ready for one a second later. */
    public static final Duration AFTER_THROTTLING = Duration.ofSeconds(1);
    /** A service that was unreachable, failing or silent: a restart or a failover takes seconds. */
    public static final Duration AFTER_OUTAGE = Duration.ofSeconds(5);

    private final Duration retryAfter;

    public Unavailable(String message, Duration retryAfter) {
        super("unavailable", message);
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive, not " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** How long the caller should wait before sending the request again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
