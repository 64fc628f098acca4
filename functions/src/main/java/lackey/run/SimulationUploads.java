package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may upload as a simulation (its log, its outputs): the bearer of the run's own token, while the run can
 * still stop, that is RUNNING, or LOST with its late stop still to come. One read of the run; nothing is written.
 */
final class SimulationUploads {

    private SimulationUploads() {
    }

    /**
     * The run, when {@code token} is its own and it can still stop.
     *
     * @param attempted what the caller tried, for the 409's message (e.g. {@code "upload a log"})
     */
    static Run authorize(RunStore store, RunId id, Token token, String attempted) {
        TokenHash presented = token.hash();
        RunStore.StoredRun found = store.find(id).orElseThrow(() -> new RunNotFound(id));
        // constant time: how much of a guessed token matched must not show in the answer's timing
        if (!MessageDigest.isEqual(found.tokenHash().hex().getBytes(StandardCharsets.US_ASCII),
                presented.hex().getBytes(StandardCharsets.US_ASCII))) {
            throw new WrongToken(id);
        }
        Run run = found.run();
        boolean running = run.status() == RunStatus.RUNNING;
        boolean lateStopToCome = run.status() == RunStatus.LOST && run.stopped().isEmpty();
        if (!running && !lateStopToCome) {
            throw new WrongState(id, run.status(), attempted);
        }
        return run;
    }
}
