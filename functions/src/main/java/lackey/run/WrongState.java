package lackey.run;

/** The run exists but is not in a state that allows the requested transition. */
public final class WrongState extends RunException {
    public WrongState(RunId id, RunStatus actual, String attempted) {
        super("wrong_state", "run " + id + " is " + actual + ", so it cannot " + attempted);
    }

    /** For a run that changed between the failed write and the read that explains it. */
    public WrongState(RunId id, String attempted) {
        super("wrong_state", "run " + id + " changed while trying to " + attempted + "; retry");
    }
}
