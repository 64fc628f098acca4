package lackey.run;

import java.util.ArrayList;
import java.util.List;

/** Port: publishes run events. */
public interface RunEvents {

    /**
     * Publishes one event, retrying what the bus refused.
     * @return false if the event could still not be published; the transition itself stands
     */
    boolean publish(RunEvent event);

    /**
     * Publishes many events, retrying what the bus refused; an adapter may send them in batches.
     * @return the events that could still not be published (none: all went out); their transitions stand
     */
    default List<RunEvent> publishAll(List<RunEvent> events) {
        List<RunEvent> unpublished = new ArrayList<>();
        for (RunEvent event : events) {
            if (!publish(event)) {
                unpublished.add(event);
            }
        }
        return unpublished;
    }
}
