package lackey.run;

import java.time.Instant;
import java.util.Optional;

/**
 * How a run ended without its own stop: declared LOST (with the reason) or CANCELLED. A stop that
 * arrives after the run was lost is still recorded: {@code reportedStatus} says what the simulation
 * reported, while the run stays LOST.
 */
public record Interruption(Instant at, String reason, Optional<RunStatus> reportedStatus) {
}
