package lackey.run;

import java.time.Instant;
import java.util.List;

/**
 * The output files recorded on a run as they landed in its exchange folder's {@code out/}.
 *
 * @param names  the file names, sorted
 * @param lastAt when the latest one was recorded (the server's clock)
 */
public record Outputs(List<String> names, Instant lastAt) {

    public Outputs {
        names = List.copyOf(names);
    }
}
