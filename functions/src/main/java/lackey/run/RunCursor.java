package lackey.run;

/**
 * A place in the newest-first order of runs (schedule time in epoch millis, then id); a listing resumes
 * strictly below it. Callers see it only as the opaque, checked text {@link RunQuery#cursorFor} makes.
 * Id 0 is a valid place: "everything scheduled before this millisecond".
 */
public record RunCursor(long scheduledAtMillis, long id) implements Comparable<RunCursor> {

    /** The order keys are 13-digit millis and 12-digit ids; the cursor spans the same range. */
    public static final long MAX_MILLIS = 9_999_999_999_999L;
    public static final long MAX_ID = 999_999_999_999L;

    public RunCursor {
        if (scheduledAtMillis < 0 || scheduledAtMillis > MAX_MILLIS || id < 0 || id > MAX_ID) {
            throw new InvalidInput("cursor is out of range");
        }
    }

    /** The place of a run: the next page starts with the run after it. */
    public static RunCursor at(Run run) {
        return new RunCursor(run.scheduledAt().toEpochMilli(), run.id().value());
    }

    /** Newest first: a later schedule time, then a larger id, compares greater. */
    @Override
    public int compareTo(RunCursor other) {
        int byTime = Long.compare(scheduledAtMillis, other.scheduledAtMillis);
        return byTime != 0 ? byTime : Long.compare(id, other.id);
    }
}
