package lackey.run;

/** The run exists but has no log (yet): it has not stopped, or it stopped without one. */
public final class LogNotFound extends RunException {
    public LogNotFound(RunId id) {
        super("log_not_found", "run " + id + " has no log");
    }
}
