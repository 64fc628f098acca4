package lackey.run;

/** The run exists but is not in a state that allows the requested transition. */
public final class WrongState extends RunException {
    public WrongState(RunId id, RunStatus actual, String attempted) {
        super("wrong_state", "run " + id + " is " + actual + ", so it cannot " + attempted);
    }

    private WrongState(String message) {
        super("wrong_state", message);
    }

    /** For a run that waits for another run's output: only the container its dispatch launches may start it. */
    public static WrongState waiting(RunId id, OutputFile awaited) {
        return new WrongState("run " + id + " waits for " + awaited.reference()
                + ": it starts once that file has landed and the run was dispatched");
    }

    /** For a run that changed between the failed write and the read that explains it. */
    public WrongState(RunId id, String attempted) {
        super("wrong_state", "run " + id + " changed while trying to " + attempted + "; retry");
    }
}
