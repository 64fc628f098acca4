package lackey.run;

/** No run has this id. */
public final class RunNotFound extends RunException {
    public RunNotFound(RunId id) {
        super("run_not_found", "there is no run " + id);
    }
}
