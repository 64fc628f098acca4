package lackey.run;

import java.time.Instant;

/** Port: records a run's outputs on the run. */
public interface OutputStore {

    /**
     * Adds the output's name to its run's outputs, in one conditional write; recording the same name twice
     * changes nothing but the time.
     * @return false when there is no such run
     */
    boolean record(OutputFile output, Instant at);
}
