package lackey.run;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

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
    private final Consumer<OutputFile> landed;

    public RecordOutput(OutputStore store, OutputEvents events, Clock clock) {
        this(store, events, clock, output -> { });
    }

    /** {@code landed} hears of each output after it is recorded: it dispatches the runs waiting for it. */
    public RecordOutput(OutputStore store, OutputEvents events, Clock clock, Consumer<OutputFile> landed) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.landed = landed;
    }

    public Outcome objectCreated(String key, long size) {
        var output = OutputFile.fromKey(key);
        if (output.isEmpty()) {
            return Outcome.NOT_AN_OUTPUT;
        }
        // server times are kept to the millisecond, like every other receive time
        boolean recorded = store.record(output.get(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        // Also on a repeated event (the output is known then): a wait whose dispatch failed gets another chance.
        landed.accept(output.get());
        if (!recorded) {
            return Outcome.UNKNOWN_RUN;
        }
        return events.published(output.get(), size) ? Outcome.RECORDED : Outcome.RECORDED_NOT_PUBLISHED;
    }
}
