package lackey.run;

import java.time.Instant;
import java.util.Optional;

/**
 * The last sign of life of a running simulation: its own timestamp, ours, and optional progress (0-100) and message;
 * {@code count} is how many heartbeats the run has sent so far, this one included (0 where it is not known: a
 * heartbeat just received, before the store counted it, or one recorded before heartbeats were counted).
 */
public record Heartbeat(ClientTime ts, Instant receivedAt, Optional<Integer> progress, Optional<String> message, long count) {

    static final int MAX_MESSAGE = 1000;

    /** A heartbeat as the simulation sent it, not yet counted. */
    public Heartbeat(ClientTime ts, Instant receivedAt, Optional<Integer> progress, Optional<String> message) {
        this(ts, receivedAt, progress, message, 0);
    }

    public Heartbeat {
        if (count < 0) {
            throw new IllegalArgumentException("a heartbeat count is never negative");
        }
        progress.ifPresent(p -> {
            if (p < 0 || p > 100) {
                throw new InvalidInput("progress must be between 0 and 100, got " + p);
            }
        });
        if (message.isPresent() && message.get().length() > MAX_MESSAGE) {
            throw new InvalidInput("message is longer than " + MAX_MESSAGE + " characters");
        }
    }

    /** Reads the optional {@code progress} field: a whole percentage, in the one form of {@link WholeNumber}. */
    public static Optional<Integer> progress(Optional<String> text) {
        return text.map(t -> {
            var value = WholeNumber.read(t, false, 3);
            if (value.isEmpty()) {
                throw new InvalidInput("progress must be a whole number from 0 to 100 in ASCII digits, got '"
                        + RunId.abbreviate(t) + "'");
            }
            return (int) value.getAsLong();
        });
    }
}
