package lackey.run;

import java.util.List;

/** The run exists but is not in a state that allows the requested transition. */
public final class WrongState extends RunException {
    public WrongState(RunId id, RunStatus actual, String attempted) {
        this("run " + id + " is " + actual + ", so it cannot " + attempted);
    }

    /** For a run that waits for another run's output: only the container its dispatch launches may start it. */
    public static WrongState waiting(RunId id, OutputFile awaited) {
        return new WrongState("run " + id + " waits for " + awaited.reference()
                + ": it starts once that file has landed and the run was dispatched");
    }

    /** For a run that changed between the failed write and the read that explains it. */
    public WrongState(RunId id, String attempted) {
        this("run " + id + " changed while trying to " + attempted + "; retry");
    }

    private WrongState(String message) {
        super("wrong_state", message);
    }

    /**
     * A retry that is not the call that was applied: the run shows a {@code call} of the same kind with other
     * fields. {@code differences} say how, without echoing logs or secrets.
     */
    static WrongState differs(RunId id, RunStatus actual, String call, List<String> differences) {
        return new WrongState("run " + id + " is " + actual + ": the " + call + " applied to it differs from this one: "
                + String.join(", ", differences));
    }

    /** A retried start of a run that has ended since: its token no longer works, but the start had been applied. */
    static WrongState endedSinceStart(RunId id, RunStatus actual) {
        return new WrongState("run " + id + " is " + actual + ", so it cannot start; a start with these fields was applied"
                + " before the run ended");
    }
}
