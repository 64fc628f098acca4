package lackey.run;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing: runs newest first, and the cursor of the next page, absent on the last one.
 * A page may hold fewer runs than asked and still have a cursor when a filter had to skip many runs;
 * the listing is done only when the cursor is absent.
 */
public record RunPage(List<Run> runs, Optional<RunCursor> next) {

    public RunPage {
        runs = List.copyOf(runs);
        next = next == null ? Optional.empty() : next;
    }

    /**
     * The page of a listing that looked one run further than {@code limit}: if it found that extra run,
     * there is a next page, and it starts right below the last run shown.
     *
     * @param found up to {@code limit + 1} runs, newest first
     */
    public static RunPage of(List<Run> found, int limit) {
        if (found.size() > limit + 1) {
            throw new IllegalArgumentException("found " + found.size() + " runs for a page of " + limit);
        }
        if (found.size() <= limit) {
            return new RunPage(found, Optional.empty());
        }
        List<Run> shown = found.subList(0, limit);
        return new RunPage(shown, Optional.of(RunCursor.at(shown.getLast())));
    }
}
