package lackey.run;

import java.time.Duration;
import java.time.Instant;

/**
 * A unix UTC timestamp in whole seconds, as the simulation reported it ({@code ts}). Kept as given;
 * the server's own receive time is kept beside it.
 */
public record ClientTime(long epochSeconds) {

    /** How far ahead of our clock a caller's clock may be: clusters drift, but a day ahead is a bug. */
    public static final Duration ALLOWED_CLOCK_LEAD = Duration.ofDays(1);

    /** Parses {@code ts}: whole non-negative seconds, not further in the future than {@link #ALLOWED_CLOCK_LEAD}. */
    public static ClientTime parse(String field, String text, Instant now) {
        if (text == null || text.isBlank()) {
            throw new InvalidInput(field + " is required (unix UTC seconds)");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("-")) {
            throw new InvalidInput(field + " must not be negative, got " + RunId.abbreviate(trimmed));
        }
        if (trimmed.length() > 12 || !trimmed.chars().allMatch(Character::isDigit)) {
            throw new InvalidInput(field + " must be whole unix UTC seconds, got '" + RunId.abbreviate(trimmed) + "'");
        }
        long seconds = Long.parseLong(trimmed);
        if (Instant.ofEpochSecond(seconds).isAfter(now.plus(ALLOWED_CLOCK_LEAD))) {
            throw new InvalidInput(field + " " + seconds + " is more than a day in the future");
        }
        return new ClientTime(seconds);
    }
}
