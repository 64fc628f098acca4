package lackey.run;

import java.util.Optional;

/**
 * Port: keeps run logs as the bytes the stop sent, each stop attempt at its own key so a losing attempt never
 * overwrites.
 */
public interface LogStore {

    /**
     * Stores the log of one stop attempt of a run, its bytes exactly as given, typed as UTF-8 text when
     * {@code utf8} (the core checked it) and as opaque bytes otherwise: where it went and its size.
     */
    LogRef put(RunId id, String attempt, byte[] log, boolean utf8);

    /** Removes the log of an attempt that lost its race or repeated one that won; best effort, failures are only reported. */
    void discard(LogRef log);

    /**
     * The log the simulation uploaded itself ({@link RunLogs#grantUpload}), with its size, if it is there.
     * A read, made only by a stop that refers to an upload.
     */
    Optional<LogRef> uploaded(LogUpload upload);
}
