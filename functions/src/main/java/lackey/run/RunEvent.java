package lackey.run;

import java.util.Optional;

/** A transition worth telling the world about, published on the bus as detail-type {@link #detailType()}. */
public sealed interface RunEvent {

    Run run();

    String detailType();

    /** A run was scheduled. Carries the token only when the run is dispatched: its container needs it. */
    record Scheduled(Run run, Optional<Token> tokenForContainer) implements RunEvent {
        public String detailType() {
            return "Run Scheduled";
        }
    }

    /** The simulation reported its start. */
    record Started(Run run) implements RunEvent {
        public String detailType() {
            return "Run Started";
        }
    }

    /** The run missed a deadline and was declared LOST. */
    record Lost(Run run) implements RunEvent {
        public String detailType() {
            return "Run Lost";
        }
    }

    /** An operator cancelled the run; carries the task to stop when the simulation reported one. */
    record Cancelled(Run run) implements RunEvent {
        public String detailType() {
            return "Run Cancelled";
        }
    }

    /**
     * A launch of the run's container failed. The run's status says what follows: SCHEDULED, it is launched again
     * at its DISPATCH deadline; LOST, that was its last attempt.
     */
    record LaunchFailed(Run run) implements RunEvent {
        public String detailType() {
            return "Run Launch Failed";
        }
    }

    /** The simulation reported its end. */
    record Stopped(Run run) implements RunEvent {
        public String detailType() {
            return "Run Stopped";
        }
    }
}
