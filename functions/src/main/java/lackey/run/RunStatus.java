package lackey.run;

/** Where a run is in its life: SCHEDULED → RUNNING → FINISHED | FAILED; CANCELLED and LOST end it early. */
public enum RunStatus {
    SCHEDULED, RUNNING, FINISHED, FAILED, CANCELLED, LOST;

    /** True for the states a run never leaves. */
    public boolean isFinal() {
        return this != SCHEDULED && this != RUNNING;
    }
}
