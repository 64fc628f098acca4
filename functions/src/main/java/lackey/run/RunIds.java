package lackey.run;

/** Port: hands out unique run ids without reading and without one hot counter per request. */
public interface RunIds {
    RunId next();

    /**
     * Reserves {@code count} contiguous ids at once, for a sweep: one write however many.
     * @return the first of them; the others are the {@code count - 1} ids after it
     */
    RunId reserve(int count);
}
