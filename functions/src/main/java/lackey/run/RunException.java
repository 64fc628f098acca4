package lackey.run;

/**
 * Everything a caller can get wrong about a run. Sealed, so the one place that maps failures to HTTP
 * handles every case and the compiler notices when a new one appears.
 */
public abstract sealed class RunException extends RuntimeException
        permits InvalidInput, WrongToken, RunNotFound, WrongState, TooLarge, UnsupportedBody, LogNotFound, SweepFailed,
        Unavailable {

    private final String code;

    RunException(String code, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not crashes
        this.code = code;
    }

    /** A short machine-readable code, stable across versions, e.g. {@code wrong_state}. */
    public String code() {
        return code;
    }
}
