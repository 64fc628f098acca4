package lackey.run;

/** Port: publishes run events. */
public interface RunEvents {

    /**
     * Publishes one event, retrying what the bus refused.
     * @return false if the event could still not be published; the transition itself stands
     */
    boolean publish(RunEvent event);
}
