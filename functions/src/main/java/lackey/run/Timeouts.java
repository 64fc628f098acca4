package lackey.run;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a run may take before lackey calls it LOST: to start after scheduling, between heartbeats,
 * and in all. Heartbeats are optional: a run that never sends one is bounded by its maximum duration
 * only; once it sends one, a silence longer than the heartbeat timeout (or {@link #DEFAULT_HEARTBEAT}
 * when none was set) loses it.
 */
public record Timeouts(Duration startTimeout, Optional<Duration> heartbeatTimeout, Duration maxDuration) {

    // Declared before DEFAULTS: the compact constructor checks against it during class initialisation.
    static final Duration LONGEST = Duration.ofDays(30);
    public static final Duration DEFAULT_START = Duration.ofHours(24);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(24);
    public static final Timeouts DEFAULTS = new Timeouts(DEFAULT_START, Optional.empty(), DEFAULT_MAX_DURATION);

    public Timeouts {
        check("startTimeout", startTimeout);
        heartbeatTimeout.ifPresent(t -> check("heartbeatTimeout", t));
        check("maxDuration", maxDuration);
    }

    /** Reads the three optional fields (whole seconds); absent ones take their defaults. */
    public static Timeouts parse(Optional<String> start, Optional<String> heartbeat, Optional<String> max) {
        return new Timeouts(
                start.map(t -> seconds("startTimeout", t)).orElse(DEFAULT_START),
                heartbeat.map(t -> seconds("heartbeatTimeout", t)),
                max.map(t -> seconds("maxDuration", t)).orElse(DEFAULT_MAX_DURATION));
    }

    /** The heartbeat timeout that applies once a run has sent a heartbeat. */
    public Duration heartbeatTimeoutOnceBeating() {
        return heartbeatTimeout.orElse(DEFAULT_HEARTBEAT);
    }

    /** How long after its start a run's first deadline falls: its first heartbeat if required, else its end. */
    public Duration firstRunningWindow() {
        return heartbeatTimeout.filter(beat -> beat.compareTo(maxDuration) < 0).orElse(maxDuration);
    }

    /** Which rule the first deadline after the start enforces. */
    public DeadlineKind firstRunningKind() {
        return firstRunningWindow().equals(maxDuration) ? DeadlineKind.MAX_DURATION : DeadlineKind.HEARTBEAT;
    }

    private static Duration seconds(String field, String text) {
        var value = WholeNumber.read(text, false, 9);
        if (value.isEmpty()) {
            throw new InvalidInput(field + " must be whole seconds in ASCII digits, got '" + RunId.abbreviate(text) + "'");
        }
        return Duration.ofSeconds(value.getAsLong());
    }

    private static void check(String field, Duration value) {
        if (value.isNegative() || value.isZero() || value.compareTo(LONGEST) > 0) {
            throw new InvalidInput(field + " must be between 1 second and " + LONGEST.toDays() + " days");
        }
    }
}
