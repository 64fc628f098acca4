package lackey.run;

import java.time.Instant;

/**
 * When a live run will be declared LOST unless something happens first, and which rule sets it. Kept on
 * the run (to the second) so the sweeper finds overdue runs with one indexed query per shard.
 */
public record Deadline(Instant at, DeadlineKind kind) {
}
