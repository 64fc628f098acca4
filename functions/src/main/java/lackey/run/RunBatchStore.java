package lackey.run;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Port: writes and removes many new runs at once, for sweeps. Unlike {@link RunStore}'s transitions these are
 * not conditional (the ids were just reserved, so nobody else writes them) and not atomic as a whole: each
 * call says exactly which runs it could and could not write, so the caller can undo a partial sweep.
 */
public interface RunBatchStore {

    /**
     * Stores new runs exactly as {@link RunStore#create} would, retrying whatever the store could not take at
     * first.
     * @return which runs were written and which surely were not; a run in neither set may or may not have
     * been (its last call failed without an answer)
     */
    Written createAll(List<NewRun> runs);

    /**
     * Removes runs, retrying whatever the store could not take at first; removing a run that does not exist
     * is not an error.
     * @return the ids that could not be confirmed as removed (none: they are all gone)
     */
    Set<RunId> deleteAll(Collection<RunId> ids);

    /** A run to store with the hash of its token. */
    record NewRun(Run run, TokenHash tokenHash) {
    }

    /** What {@link #createAll} achieved. */
    record Written(Set<RunId> written, Set<RunId> notWritten) {
        public Written {
            written = Set.copyOf(written);
            notWritten = Set.copyOf(notWritten);
        }
    }
}
