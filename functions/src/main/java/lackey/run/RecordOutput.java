package lackey.run;

import java.time.Clock;

/**
 * Records an object that landed in the runs bucket on its run when it is a run's output, and tells the bus.
 * Inputs, other keys and outputs of unknown runs are skipped, never failed: a failure would only make the
 * bus deliver the same event again.
 */
public final class RecordOutput {

    /** What became of one object. */
    public enum Outcome { RECORDED, RECORDED_NOT_PUBLISHED, NOT_AN_OUTPUT, UNKNOWN_RUN }

    private final OutputStore store;
    private final OutputEvents events;
    private final Clock clock;

    public RecordOutput(OutputStore store, OutputEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public Outcome objectCreated(String key, long size) {
        var output = OutputFile.fromKey(key);
        if (output.isEmpty()) {
            return Outcome.NOT_AN_OUTPUT;
        }
        if (!store.record(output.get(), clock.instant())) {
            return Outcome.UNKNOWN_RUN;
        }
        return events.published(output.get(), size) ? Outcome.RECORDED : Outcome.RECORDED_NOT_PUBLISHED;
    }
}
