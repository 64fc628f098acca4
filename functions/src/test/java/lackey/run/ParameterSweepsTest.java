package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Sweeps against fakes of the ports: ids reserved once, every run stored with its own token and the sweep's
 * tag, all or nothing when the store refuses some writes, and runs whose events the bus refuses left for the
 * sweeper to dispatch.
 */
class ParameterSweepsTest {

    /** Stores into an {@link InMemoryRunStore}, refusing (or losing the answer for) the runs it is told to. */
    static final class FlakyBatches implements RunBatchStore {
        final InMemoryRunStore store;
        final Set<RunId> refuseWrites = new HashSet<>();
        final Set<RunId> writeWithoutAnswer = new HashSet<>();
        final Set<RunId> refuseDeletes = new HashSet<>();
        final List<Integer> createCalls = new ArrayList<>();
        final List<List<RunId>> deleteCalls = new ArrayList<>();

        FlakyBatches(InMemoryRunStore store) {
            this.store = store;
        }

        @Override
        public Written createAll(List<NewRun> runs) {
            createCalls.add(runs.size());
            var written = new HashSet<RunId>();
            var notWritten = new HashSet<RunId>();
            for (NewRun run : runs) {
                if (refuseWrites.contains(run.run().id())) {
                    notWritten.add(run.run().id());
                    continue;
                }
                store.create(run.run(), run.tokenHash());
                if (!writeWithoutAnswer.contains(run.run().id())) {
                    written.add(run.run().id());
                }
            }
            return new Written(written, notWritten);
        }

        @Override
        public Set<RunId> deleteAll(Collection<RunId> ids) {
            deleteCalls.add(List.copyOf(ids));
            var left = new HashSet<RunId>();
            for (RunId id : ids) {
                if (refuseDeletes.contains(id)) {
                    left.add(id);
                } else {
                    store.runs.remove(id);
                }
            }
            return left;
        }
    }

    /** A bus that refuses the events of some runs, and remembers how they were sent. */
    static final class PickyBus implements RunEvents {
        final List<RunEvent> published = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        Predicate<RunId> refuse = id -> false;

        /** Events published one at a time (the sweeper's re-dispatch does; a sweep never should). */
        int singles;

        @Override
        public boolean publish(RunEvent event) {
            singles++;
            if (refuse.test(event.run().id())) {
                return false;
            }
            published.add(event);
            return true;
        }

        @Override
        public List<RunEvent> publishAll(List<RunEvent> events) {
            batchSizes.add(events.size());
            var unpublished = new ArrayList<RunEvent>();
            for (RunEvent event : events) {
                (refuse.test(event.run().id()) ? unpublished : published).add(event);
            }
            return unpublished;
        }
    }

    private final LivenessTest.ManualClock clock = new LivenessTest.ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final FlakyBatches batches = new FlakyBatches(store);
    private final PickyBus bus = new PickyBus();
    private final RecordingPorts.Ids ids = new RecordingPorts.Ids();
    private final ParameterSweeps sweeps = new ParameterSweeps(ids, batches, store, bus, clock);

    private static SweepSpec grid(Optional<String> command, int lrs, int layers) {
        var axes = new LinkedHashMap<String, List<Object>>();
        axes.put("lr", LongStream.range(0, lrs).mapToObj(i -> (Object) BigDecimal.valueOf(i, 2)).toList());
        axes.put("layers", LongStream.range(1, layers + 1).mapToObj(i -> (Object) BigDecimal.valueOf(i)).toList());
        return SweepSpec.grid(new RunSpec("sweep-test", command, Map.of(), List.of("demo")), axes);
    }

    @Test
    void everyRunIsStoredWithItsOwnTokenTheSweepTagAndItsParamsUnderOneReservation() {
        ids.next(); // someone else's run: the sweep starts after it
        var scheduled = sweeps.schedule(grid(Optional.empty(), 2, 3));

        assertEquals(1, ids.reservations, "one reservation for the whole sweep");
        assertEquals(new RunId(2), scheduled.first());
        assertEquals("sweep-2", scheduled.tag());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L), scheduled.runs().stream().map(r -> r.run().id().value()).toList());
        assertEquals(List.of(6), batches.createCalls, "one batch call for all runs");
        assertEquals(6, scheduled.runs().stream().map(r -> r.token().reveal()).distinct().count(), "a token each");
        for (var run : scheduled.runs()) {
            var stored = store.find(run.run().id()).orElseThrow();
            assertEquals(run.token().hash(), stored.tokenHash(), "only the hash is stored");
            assertEquals(RunStatus.SCHEDULED, stored.run().status());
            assertEquals(List.of("demo", "sweep-2"), stored.run().spec().tags());
            assertEquals(DeadlineKind.START, stored.run().deadline().orElseThrow().kind());
            assertTrue(run.published());
        }
        assertEquals(Map.of("lr", BigDecimal.valueOf(1, 2), "layers", BigDecimal.valueOf(3)),
                store.find(new RunId(7)).orElseThrow().run().spec().params());
        // each token starts its own run, and only its own
        var runs = new RunLifecycle(store, ids, new RecordingPorts.Logs(), new RecordingPorts.Events(), clock);
        var third = scheduled.runs().get(2);
        assertThrows(WrongToken.class, () -> runs.start(third.run().id(), scheduled.runs().get(3).token(), new ClientTime(1)));
        assertEquals(RunStatus.RUNNING, runs.start(third.run().id(), third.token(), new ClientTime(1)).run().status());
    }

    @Test
    void eventsGoOutInOneBatchAfterTheRunsAreStoredAndCarryTokensOnlyForDispatchedRuns() {
        var dispatched = sweeps.schedule(grid(Optional.of("sh train.sh"), 2, 2));
        var tracked = sweeps.schedule(grid(Optional.empty(), 1, 2));
        assertEquals(List.of(4, 2), bus.batchSizes);
        assertEquals(0, bus.singles, "no event is published on its own");
        assertEquals(6, bus.published.size());
        for (int i = 0; i < 4; i++) {
            var event = (RunEvent.Scheduled) bus.published.get(i);
            assertEquals(dispatched.runs().get(i).run().id(), event.run().id());
            assertEquals(dispatched.runs().get(i).token().reveal(), event.tokenForContainer().orElseThrow().reveal());
        }
        for (int i = 4; i < 6; i++) {
            assertEquals(Optional.empty(), ((RunEvent.Scheduled) bus.published.get(i)).tokenForContainer());
        }
        assertEquals(List.of(), dispatched.unpublished());
        assertEquals(List.of(), tracked.unpublished());
    }

    @Test
    void refusedWritesUndoTheWholeSweepAndPublishNothing() {
        batches.refuseWrites.addAll(List.of(new RunId(3), new RunId(5)));
        SweepFailed failed = assertThrows(SweepFailed.class, () -> sweeps.schedule(grid(Optional.of("sh train.sh"), 2, 3)));

        assertEquals(List.of(), failed.existing());
        assertTrue(failed.getMessage().contains("2 of its runs could not be written"), failed.getMessage());
        assertTrue(failed.getMessage().contains("none of its runs exist"), failed.getMessage());
        assertTrue(store.runs.isEmpty(), "nothing of the sweep is left: " + store.runs.keySet());
        assertEquals(List.of(), bus.batchSizes, "no event for a sweep that failed");
        // the runs surely not written are not deleted again; the others are
        assertEquals(List.of(List.of(new RunId(1), new RunId(2), new RunId(4), new RunId(6))), batches.deleteCalls);
    }

    @Test
    void runsWhoseWriteHadNoAnswerAreRemovedToo() {
        batches.refuseWrites.add(new RunId(1));
        batches.writeWithoutAnswer.add(new RunId(2)); // stored, but the store could not say so
        assertThrows(SweepFailed.class, () -> sweeps.schedule(grid(Optional.empty(), 1, 3)));
        assertTrue(batches.deleteCalls.getFirst().contains(new RunId(2)));
        assertTrue(store.runs.isEmpty(), "left: " + store.runs.keySet());
    }

    @Test
    void runsThatCannotBeRemovedAreNamedExactly() {
        batches.refuseWrites.add(new RunId(6));
        batches.refuseDeletes.addAll(List.of(new RunId(4), new RunId(2)));
        SweepFailed failed = assertThrows(SweepFailed.class, () -> sweeps.schedule(grid(Optional.empty(), 2, 3)));

        assertEquals(List.of(new RunId(2), new RunId(4)), failed.existing(), "in id order");
        assertEquals(Set.of(new RunId(2), new RunId(4)), store.runs.keySet(), "exactly those still exist");
        assertTrue(failed.getMessage().contains("2 of its runs could not be removed and still exist"), failed.getMessage());
        assertEquals(List.of(), bus.batchSizes);
    }

    @Test
    void dispatchedRunsWhoseEventsAreRefusedWaitForTheSweeperWhichPublishesThemAgain() {
        bus.refuse = id -> id.value() == 2 || id.value() == 3;
        var scheduled = sweeps.schedule(grid(Optional.of("sh train.sh"), 2, 2));

        assertEquals(List.of(new RunId(2), new RunId(3)), scheduled.unpublished());
        assertEquals(List.of(new RunId(2), new RunId(3)), scheduled.dispatchPending());
        assertEquals(List.of(), scheduled.undispatched());
        assertTrue(scheduled.runs().get(1).dispatchPending() && scheduled.runs().get(2).dispatchPending());
        assertFalse(scheduled.runs().get(0).dispatchPending() || scheduled.runs().get(3).dispatchPending());
        var pending = store.find(new RunId(2)).orElseThrow().run().deadline().orElseThrow();
        assertEquals(DeadlineKind.DISPATCH, pending.kind());
        assertEquals(clock.now.plus(RunLifecycle.REDISPATCH_AFTER), pending.at());
        assertEquals(DeadlineKind.START, store.find(new RunId(1)).orElseThrow().run().deadline().orElseThrow().kind());

        // the outbox: a minute later the sweeper publishes them again, with fresh tokens
        var sweeper = new RunLifecycle(store, ids, new RecordingPorts.Logs(), bus, clock);
        bus.refuse = id -> false;
        clock.advance(RunLifecycle.REDISPATCH_AFTER);
        assertEquals(List.of(new RunId(2), new RunId(3)),
                sweeper.sweep(100).redispatched().stream().map(Run::id).sorted((a, b) -> Long.compare(a.value(), b.value())).toList());
        assertEquals(2, bus.singles, "the two pending runs, once each");
        for (RunEvent event : bus.published.subList(bus.published.size() - 2, bus.published.size())) {
            var again = (RunEvent.Scheduled) event;
            var first = scheduled.runs().get((int) again.run().id().value() - 1);
            assertEquals(first.run().id(), again.run().id());
            assertNotEquals(first.token().reveal(), again.tokenForContainer().orElseThrow().reveal(), "a fresh token");
        }
    }

    @Test
    void trackedRunsWhoseEventsAreRefusedAreNotPending() {
        bus.refuse = id -> true;
        var scheduled = sweeps.schedule(grid(Optional.empty(), 1, 3));
        assertEquals(3, scheduled.unpublished().size());
        assertEquals(List.of(), scheduled.dispatchPending(), "nothing to dispatch");
        scheduled.runs().forEach(run -> assertEquals(DeadlineKind.START,
                store.find(run.run().id()).orElseThrow().run().deadline().orElseThrow().kind()));
    }

    @Test
    void aRunThatCannotBeMarkedForRedispatchIsReportedUndispatched() {
        RunStore failingMarks = (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[]{RunStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("markDispatchPending") && ((RunId) args[0]).value() == 2) {
                        throw new IllegalStateException("the table is unavailable");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        bus.refuse = id -> true;
        var scheduled = new ParameterSweeps(ids, batches, failingMarks, bus, clock).schedule(grid(Optional.of("sh x.sh"), 1, 3));
        assertEquals(List.of(new RunId(2)), scheduled.undispatched());
        assertEquals(List.of(new RunId(1), new RunId(3)), scheduled.dispatchPending());
    }

    @Test
    void aSweepOfTenThousandIsOneReservationOneWriteAndOnePublication() {
        var sweep = SweepSpec.list(new RunSpec("big", Optional.of("sh x.sh"), Map.of(), List.of()),
                java.util.Collections.nCopies(SweepSpec.MAX_RUNS, Map.of()));
        var scheduled = sweeps.schedule(sweep);
        assertEquals(SweepSpec.MAX_RUNS, scheduled.runs().size());
        assertEquals(SweepSpec.MAX_RUNS, store.runs.size());
        assertEquals(1, ids.reservations);
        assertEquals(List.of(SweepSpec.MAX_RUNS), batches.createCalls);
        assertEquals(List.of(SweepSpec.MAX_RUNS), bus.batchSizes);
        assertEquals(new RunId(SweepSpec.MAX_RUNS), scheduled.runs().getLast().run().id());
    }
}
