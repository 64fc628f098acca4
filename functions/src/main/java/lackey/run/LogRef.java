package lackey.run;

import java.util.Optional;

/**
 * Where a run's log was stored ({@code s3://bucket/key}), how many bytes it has and, for a log sent inline with
 * the stop, the SHA-256 of those bytes (lower-case hex): what tells a retried stop's log from another one. A log
 * the simulation uploaded itself has no digest (lackey never reads it); its key alone identifies it.
 */
public record LogRef(String location, long bytes, Optional<String> sha256) {

    /** A log known by its place and size only: an upload. */
    public LogRef(String location, long bytes) {
        this(location, bytes, Optional.empty());
    }
}
