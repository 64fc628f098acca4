package lackey.run;

import java.util.Optional;

/**
 * Where a run's log was stored ({@code s3://bucket/key}), how many bytes it has and, for a log sent inline with
 * the stop, the SHA-256 of those bytes (lower-case hex): what tells a retried stop's log from another one. A log
 * the simulation uploaded itself has no digest (lackey never reads it); its key alone identifies it.
 *
 * @param utf8 whether lackey checked that the bytes are well-formed UTF-8 ({@link Utf8}): only then is the log
 *             served as {@code text/plain; charset=utf-8}. A log is bytes and is kept as sent either way; an upload,
 *             which lackey never reads, is never known to be text.
 */
public record LogRef(String location, long bytes, Optional<String> sha256, boolean utf8) {

    /** A log known by its place and size only: an upload. */
    public LogRef(String location, long bytes) {
        this(location, bytes, Optional.empty(), false);
    }
}
