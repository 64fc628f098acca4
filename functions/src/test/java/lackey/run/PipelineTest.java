package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Runs that wait for another run's output: not published at scheduling, dispatched once when the file lands. */
class PipelineTest {

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    private static RunSpec waiting(String reference) {
        return new RunSpec("consumer", Optional.of("sh consume.sh"), Map.of(), List.of(), Timeouts.DEFAULTS,
                Optional.of(OutputFile.parse(reference)));
    }

    @Test
    void waitingRunIsNotPublishedAtScheduling() {
        var scheduled = runs.schedule(waiting("7/result.txt"), output -> false);
        assertTrue(events.published.isEmpty(), events.published.toString());
        assertEquals(RunStatus.SCHEDULED, scheduled.run().status());
        assertEquals(DeadlineKind.START, scheduled.run().deadline().orElseThrow().kind(), "a file that never comes makes it LOST");
        assertEquals("7/result.txt", store.runs.get(scheduled.run().id()).run().spec().waitFor().orElseThrow().reference());
    }

    @Test
    void aWaitingRunsTokenGoesOnlyToItsContainer() {
        var waitingRun = runs.schedule(waiting("7/result.txt"), output -> false);
        var dispatchedAtOnce = runs.schedule(waiting("7/result.txt"), output -> true);
        var plain = runs.schedule(new RunSpec("plain", Optional.of("sh x.sh"), Map.of(), List.of()));
        assertTrue(waitingRun.tokenForCaller().isEmpty());
        assertTrue(dispatchedAtOnce.tokenForCaller().isEmpty(), "the token went to the container");
        assertEquals(plain.token(), plain.tokenForCaller().orElseThrow());
    }

    @Test
    void aWaitingRunCannotBeStartedBeforeItIsDispatched() {
        var scheduled = runs.schedule(waiting("7/result.txt"), output -> false);
        assertThrows(WrongState.class, () -> runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1)));
        assertEquals(RunStatus.SCHEDULED, store.runs.get(scheduled.run().id()).run().status());
        assertTrue(store.runs.get(scheduled.run().id()).run().spec().waitFor().isPresent());
    }

    @Test
    void landedOutputDispatchesTheWaitingRunOnceWithAFreshToken() {
        var scheduled = runs.schedule(waiting("7/result.txt"), output -> false);
        var other = runs.schedule(waiting("7/other.txt"), output -> false);

        List<Run> dispatched = runs.dispatchWaiting(new OutputFile(new RunId(7), "result.txt"));

        assertEquals(List.of(scheduled.run().id()), dispatched.stream().map(Run::id).toList());
        var event = (RunEvent.Scheduled) events.published.getFirst();
        Token fresh = event.tokenForContainer().orElseThrow();
        assertNotEquals(scheduled.token().reveal(), fresh.reveal());
        assertEquals(fresh.hash(), store.runs.get(scheduled.run().id()).tokenHash());
        assertTrue(store.runs.get(scheduled.run().id()).run().spec().waitFor().isEmpty());
        assertTrue(store.runs.get(other.run().id()).run().spec().waitFor().isPresent(), "another file's waiter keeps waiting");
        assertEquals(List.of(), runs.dispatchWaiting(new OutputFile(new RunId(7), "result.txt")), "a repeated event dispatches nothing");
        assertEquals(1, events.published.size());
    }

    @Test
    void outputAlreadyThereDispatchesAtOnceWithTheScheduledToken() {
        var scheduled = runs.schedule(waiting("7/result.txt"), output -> output.key().equals("exchange/7/out/result.txt"));
        var event = (RunEvent.Scheduled) events.published.getFirst();
        assertEquals(scheduled.token().reveal(), event.tokenForContainer().orElseThrow().reveal());
        assertTrue(store.runs.get(scheduled.run().id()).run().spec().waitFor().isEmpty());
        assertEquals(List.of(), runs.dispatchWaiting(new OutputFile(new RunId(7), "result.txt")));
    }

    @Test
    void aWaitingRunThatIsCancelledWaitsNoMore() {
        var cancelled = runs.schedule(waiting("7/result.txt"), output -> false);
        runs.cancel(cancelled.run().id(), Optional.of("not needed"));
        assertTrue(store.runs.get(cancelled.run().id()).run().spec().waitFor().isEmpty());
        assertEquals(List.of(), runs.dispatchWaiting(new OutputFile(new RunId(7), "result.txt")), "no ended run is dispatched");
    }

    @Test
    void aWaitingRunThatIsLostWaitsNoMore() {
        var clock = new LivenessTest.ManualClock();
        var store = new InMemoryRunStore();
        var sweeping = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events, clock);
        var lost = sweeping.schedule(waiting("7/result.txt"), output -> false);
        clock.advance(Timeouts.DEFAULTS.startTimeout().plusSeconds(1));
        assertEquals(List.of(lost.run().id()), sweeping.sweep(10).lost().stream().map(Run::id).toList());
        assertTrue(store.runs.get(lost.run().id()).run().spec().waitFor().isEmpty());
        assertEquals(List.of(), sweeping.dispatchWaiting(new OutputFile(new RunId(7), "result.txt")), "no ended run is dispatched");
    }

    @Test
    void waitingForAFileNeedsACommand() {
        var file = Optional.of(OutputFile.parse("7/result.txt"));
        assertThrows(InvalidInput.class, () -> new RunSpec("tracked", Optional.empty(), Map.of(), List.of(), Timeouts.DEFAULTS, file));
    }

    @Test
    void waitForNamesARunIdAndAnOutputName() {
        assertEquals("exchange/7/out/result.txt", OutputFile.parse("7/result.txt").key());
        for (String bad : List.of("result.txt", "x/result.txt", "7/", "7/a/b.txt", "7/..", "/result.txt")) {
            assertThrows(InvalidInput.class, () -> OutputFile.parse(bad), bad);
        }
    }
}
