package lackey.run;

import java.util.List;

/**
 * A sweep could not be stored in full, so it was undone: the caller gets no run of it. Storage refusing
 * writes is a passing condition (throttling, an outage), so the same request may succeed later. Lists the
 * runs that could not be removed either, if any: they exist, were never dispatched, and nobody holds their tokens.
 */
public final class SweepFailed extends RunException {

    private final List<RunId> existing;

    public SweepFailed(String message, List<RunId> existing) {
        super("sweep_failed", message);
        this.existing = List.copyOf(existing);
    }

    /** The sweep's runs that still exist after the undo, in id order (normally none). */
    public List<RunId> existing() {
        return existing;
    }
}
