package lackey.run;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Schedules a parameter sweep: many runs from one request, each its own run with its own token, tagged
 * {@code sweep-<first id>}. All or nothing as the caller sees it: the runs are stored in batches, and if any
 * cannot be, those that were are removed again and the caller learns exactly which still exist. Only a fully
 * stored sweep publishes its "Run Scheduled" events; a dispatched run whose event still does not go out is
 * marked for re-dispatch, as a single run is ({@link RunLifecycle#schedule}).
 */
public final class ParameterSweeps {

    /** How many runs are marked for re-dispatch side by side when the bus refused many of their events. */
    static final int PARALLEL_MARKS = 8;

    private final RunIds ids;
    private final RunBatchStore batches;
    private final RunStore store;
    private final RunEvents events;
    private final Clock clock;

    public ParameterSweeps(RunIds ids, RunBatchStore batches, RunStore store, RunEvents events, Clock clock) {
        this.ids = ids;
        this.batches = batches;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** One run of a scheduled sweep, with its token (shown once) and whether its "Run Scheduled" went out. */
    public record SweepRun(Run run, Token token, boolean published) {

        /** Its event did not go out and the sweeper will publish it again. */
        public boolean dispatchPending() {
            return run.deadline().map(deadline -> deadline.kind() == DeadlineKind.DISPATCH).orElse(false);
        }
    }

    /**
     * A stored sweep: its first id, its tag and its runs in order (ids first, first + 1, …).
     *
     * @param undispatched dispatched runs whose event could not be published and that could not be marked for
     *                     re-dispatch either: nothing will start them, and they are declared LOST after their
     *                     start timeout (normally none)
     */
    public record Scheduled(RunId first, String tag, List<SweepRun> runs, List<RunId> undispatched) {

        /** Runs whose "Run Scheduled" event could not be published. */
        public List<RunId> unpublished() {
            return runs.stream().filter(run -> !run.published()).map(run -> run.run().id()).toList();
        }

        /** Dispatched runs whose event could not be published and that wait for the sweeper to publish it again. */
        public List<RunId> dispatchPending() {
            return runs.stream().filter(SweepRun::dispatchPending).map(run -> run.run().id()).toList();
        }
    }

    /**
     * Reserves the sweep's ids with one call, stores every run, then publishes their events.
     * @throws SweepFailed when some runs could not be stored; the others were removed again
     */
    public Scheduled schedule(SweepSpec sweep) {
        int count = sweep.size();
        RunId first = ids.reserve(count);
        String tag = SweepSpec.tag(first);
        Instant now = now();
        var runs = new ArrayList<Run>(count);
        var tokens = new ArrayList<Token>(count);
        var stored = new ArrayList<RunBatchStore.NewRun>(count);
        for (int i = 0; i < count; i++) {
            Token token = Token.generate();
            Run run = Run.scheduled(new RunId(first.value() + i), sweep.spec(i, tag), now);
            runs.add(run);
            tokens.add(token);
            stored.add(new RunBatchStore.NewRun(run, token.hash()));
        }

        RunBatchStore.Written written = batches.createAll(stored);
        if (written.written().size() != count) {
            throw undo(first, runs, written);
        }

        var scheduledEvents = new ArrayList<RunEvent>(count);
        for (int i = 0; i < count; i++) {
            Run run = runs.get(i);
            scheduledEvents.add(new RunEvent.Scheduled(run, run.spec().dispatched() ? Optional.of(tokens.get(i)) : Optional.empty()));
        }
        Set<RunEvent> unpublished = Collections.newSetFromMap(new IdentityHashMap<>());
        unpublished.addAll(events.publishAll(scheduledEvents));
        var undispatched = new ArrayList<RunId>();
        List<Run> afterMarks = markDispatchPending(runs, scheduledEvents, unpublished, undispatched);

        var result = new ArrayList<SweepRun>(count);
        for (int i = 0; i < count; i++) {
            result.add(new SweepRun(afterMarks.get(i), tokens.get(i), !unpublished.contains(scheduledEvents.get(i))));
        }
        return new Scheduled(first, tag, List.copyOf(result), List.copyOf(undispatched));
    }

    /** Removes whatever of the sweep may have been stored, and says what is left. */
    private SweepFailed undo(RunId first, List<Run> runs, RunBatchStore.Written written) {
        var maybeStored = new ArrayList<RunId>();
        for (Run run : runs) {
            if (!written.notWritten().contains(run.id())) {
                maybeStored.add(run.id());
            }
        }
        int missing = runs.size() - written.written().size();
        List<RunId> existing = maybeStored.isEmpty() ? List.of()
                : batches.deleteAll(maybeStored).stream().sorted(Comparator.comparingLong(RunId::value)).toList();
        String what = "the sweep of " + runs.size() + " runs (ids " + first + " to " + runs.getLast().id() + ") could not be stored: "
                + missing + " of its runs could not be written; nothing was published and the sweep was undone";
        if (existing.isEmpty()) {
            return new SweepFailed(what + ", so none of its runs exist. Try again later.", List.of());
        }
        return new SweepFailed(what + ", but " + existing.size() + " of its runs could not be removed and still exist"
                + " (see existing): they were never dispatched, nobody holds their tokens, and they will be declared LOST"
                + " after their start timeout.", existing);
    }

    /**
     * Marks each dispatched run whose event did not go out so that the sweeper publishes it again. Only the
     * failure path pays these writes; a few run side by side, so a bus that refuses a whole sweep costs seconds,
     * not minutes.
     * @return the runs, with those marked as the store now has them
     */
    private List<Run> markDispatchPending(List<Run> runs, List<RunEvent> scheduledEvents, Set<RunEvent> unpublished,
                                          List<RunId> undispatched) {
        var result = new ArrayList<>(runs);
        var toMark = new ArrayList<Integer>();
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).spec().dispatched() && unpublished.contains(scheduledEvents.get(i))) {
                toMark.add(i);
            }
        }
        if (toMark.isEmpty()) {
            return result;
        }
        Instant retryAt = now().plus(RunLifecycle.REDISPATCH_AFTER).truncatedTo(ChronoUnit.SECONDS);
        try (ExecutorService marks = Executors.newFixedThreadPool(Math.min(PARALLEL_MARKS, toMark.size()))) {
            var futures = new ArrayList<Future<Optional<Run>>>();
            for (int i : toMark) {
                RunId id = runs.get(i).id();
                futures.add(marks.submit(() -> store.markDispatchPending(id, retryAt)));
            }
            for (int k = 0; k < toMark.size(); k++) {
                int i = toMark.get(k);
                try {
                    // empty: the run is no longer waiting to start (its event did reach a container after all)
                    futures.get(k).get().ifPresent(marked -> result.set(i, marked));
                } catch (ExecutionException e) {
                    // Left as it is and reported (the handler logs and answers the undispatched runs): its start
                    // timeout will declare it LOST.
                    undispatched.add(runs.get(i).id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return result;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
