package lackey.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A run as lackey knows it. Client timestamps ({@code started}, {@code stopped}) are kept as the
 * simulation gave them; {@code *ReceivedAt} are the server's own clock. Never holds the token.
 */
public record Run(
        RunId id,
        RunSpec spec,
        RunStatus status,
        Instant scheduledAt,
        Optional<ClientTime> started,
        Optional<Instant> startedReceivedAt,
        Optional<ClientTime> stopped,
        Optional<Instant> stoppedReceivedAt,
        Optional<Integer> exitCode,
        Optional<LogRef> log) {

    /** A run just scheduled. */
    public static Run scheduled(RunId id, RunSpec spec, Instant now) {
        return new Run(id, spec, RunStatus.SCHEDULED, now, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** How long the run took by the simulation's own clock, once it has both timestamps. */
    public Optional<Duration> duration() {
        if (started.isEmpty() || stopped.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(stopped.get().epochSeconds() - started.get().epochSeconds()));
    }
}
