package lackey.run;

/** Port: publishes "Output Created" when an output has been recorded on its run. */
public interface OutputEvents {

    /** @return false if the event could still not be published after retries; the output stays recorded */
    boolean published(OutputFile output, long size);
}
