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

    /**
     * Parses {@code ts}: whole non-negative seconds in the one form of {@link WholeNumber} (ASCII digits, no sign,
     * no leading zero, nothing around them), not further in the future than {@link #ALLOWED_CLOCK_LEAD}.
     */
    public static ClientTime parse(String field, String text, Instant now) {
        if (text == null || text.isEmpty()) {
            throw new InvalidInput(field + " is required (unix UTC seconds)");
        }
        if (text.startsWith("-") && WholeNumber.read(text, true, 12).isPresent()) {
            throw new InvalidInput(field + " must not be negative, got " + RunId.abbreviate(text));
        }
        var value = WholeNumber.read(text, false, 12);
        if (value.isEmpty()) {
            throw new InvalidInput(field + " must be whole unix UTC seconds in ASCII digits, got '" + RunId.abbreviate(text) + "'");
        }
        long seconds = value.getAsLong();
        if (Instant.ofEpochSecond(seconds).isAfter(now.plus(ALLOWED_CLOCK_LEAD))) {
            throw new InvalidInput(field + " " + seconds + " is more than a day in the future");
        }
        return new ClientTime(seconds);
    }
}
