package lackey.run;

import java.time.Instant;
import java.util.Optional;

/** The last sign of life of a running simulation: its own timestamp, ours, and optional progress (0-100) and message. */
public record Heartbeat(ClientTime ts, Instant receivedAt, Optional<Integer> progress, Optional<String> message) {

    static final int MAX_MESSAGE = 1000;

    public Heartbeat {
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
