package lackey.run;

import java.time.Duration;

/**
 * How hard lackey tries to launch a run's container: at most {@code attempts} launches in all, the first retry
 * {@code firstDelay} after the first failure and each further one twice as long after the last. Once the last
 * attempt failed too, the run is LOST.
 */
public record LaunchRetries(int attempts, Duration firstDelay) {

    // Declared before DEFAULT: the compact constructor checks against them during class initialisation.
    static final int MAX_ATTEMPTS = 10;
    static final Duration LONGEST_DELAY = Duration.ofHours(1);
    /** Three launches, one and two minutes apart: the sweeper, which re-dispatches, runs once a minute anyway. */
    public static final LaunchRetries DEFAULT = new LaunchRetries(3, Duration.ofMinutes(1));

    public LaunchRetries {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("launch attempts must be 1 to " + MAX_ATTEMPTS + ", not " + attempts);
        }
        if (firstDelay.compareTo(Duration.ofSeconds(1)) < 0 || firstDelay.compareTo(LONGEST_DELAY) > 0) {
            throw new IllegalArgumentException("the first launch retry delay must be 1 s to 1 h, not " + firstDelay);
        }
    }

    /** How many failed launches are followed by another launch. */
    public int retries() {
        return attempts - 1;
    }
}
