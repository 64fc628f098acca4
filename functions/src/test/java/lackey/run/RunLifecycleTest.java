package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

class RunLifecycleTest {

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Logs logs = new RecordingPorts.Logs();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), logs, events,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    private static RunSpec tracked(String name) {
        return new RunSpec(name, Optional.empty(), Map.of(), List.of());
    }

    @Test
    void schedulingStoresOnlyTheTokenHash() {
        var scheduled = runs.schedule(tracked("seed"));
        var stored = store.runs.get(scheduled.run().id());
        assertEquals(scheduled.token().hash(), stored.tokenHash());
        assertNotEquals(scheduled.token().reveal(), stored.tokenHash().hex());
        assertEquals(RunStatus.SCHEDULED, stored.run().status());
    }

    @Test
    void trackedRunEventCarriesNoTokenButDispatchedRunEventDoes() {
        runs.schedule(tracked("tracked"));
        var dispatched = runs.schedule(new RunSpec("sim", Optional.of("echo hi"), Map.of(), List.of()));
        var first = (RunEvent.Scheduled) events.published.get(0);
        var second = (RunEvent.Scheduled) events.published.get(1);
        assertTrue(first.tokenForContainer().isEmpty());
        assertEquals(dispatched.token().reveal(), second.tokenForContainer().orElseThrow().reveal());
    }

    @Test
    void runGoesFromScheduledThroughRunningToFinishedWithoutReads() {
        var scheduled = runs.schedule(tracked("seed"));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1369312595));
        var stopped = runs.stop(scheduled.run().id(), scheduled.token(), new ClientTime(1369322595),
                StopReport.parse(null, null), RecordingPorts.log("asdf 123"));
        assertEquals(RunStatus.FINISHED, stopped.run().status());
        assertEquals(10000, stopped.run().duration().orElseThrow().toSeconds());
        assertEquals(List.of("asdf 123"), logs.texts);
        assertEquals(0, store.reads, "the success path must not read");
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Stopped"),
                events.published.stream().map(RunEvent::detailType).toList());
    }

    @Test
    void startWithWrongTokenIsForbidden() {
        var scheduled = runs.schedule(tracked("seed"));
        assertThrows(WrongToken.class,
                () -> runs.start(scheduled.run().id(), Token.generate(), new ClientTime(1)));
    }

    @Test
    void startOfUnknownRunIsNotFound() {
        assertThrows(RunNotFound.class, () -> runs.start(new RunId(42), Token.generate(), new ClientTime(1)));
    }

    @Test
    void secondStartConflicts() {
        var scheduled = runs.schedule(tracked("seed"));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1));
        var problem = assertThrows(WrongState.class,
                () -> runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(2)));
        assertTrue(problem.getMessage().contains("RUNNING"));
    }

    @Test
    void stopBeforeStartTimestampIsBadInputAndItsLogIsDiscarded() {
        var scheduled = runs.schedule(tracked("seed"));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1000));
        assertThrows(InvalidInput.class, () -> runs.stop(scheduled.run().id(), scheduled.token(),
                new ClientTime(999), StopReport.parse(null, null), RecordingPorts.log("log")));
        assertEquals(logs.stored, logs.discarded);
        assertEquals(RunStatus.RUNNING, runs.get(scheduled.run().id()).status());
    }

    @Test
    void stopOfScheduledRunConflicts() {
        var scheduled = runs.schedule(tracked("seed"));
        assertThrows(WrongState.class, () -> runs.stop(scheduled.run().id(), scheduled.token(),
                new ClientTime(5), StopReport.parse(null, null), Optional.empty()));
    }

    @Test
    void tokenStopsWorkingOnceTheRunEnded() {
        var scheduled = runs.schedule(tracked("seed"));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1));
        runs.stop(scheduled.run().id(), scheduled.token(), new ClientTime(2), StopReport.parse("FAILED", null), Optional.empty());
        assertThrows(WrongState.class, () -> runs.stop(scheduled.run().id(), scheduled.token(),
                new ClientTime(3), StopReport.parse(null, null), Optional.empty()));
        assertEquals(RunStatus.FAILED, runs.get(scheduled.run().id()).status());
    }

    @Test
    void oversizedLogIsRefusedBeforeAnythingIsStored() {
        var scheduled = runs.schedule(tracked("seed"));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1));
        String huge = "é".repeat(RunLifecycle.MAX_INLINE_LOG_BYTES / 2 + 1); // 2 bytes each in UTF-8
        assertThrows(TooLarge.class, () -> runs.stop(scheduled.run().id(), scheduled.token(), new ClientTime(2),
                StopReport.parse(null, null), RecordingPorts.log(huge)));
        assertTrue(logs.stored.isEmpty());
    }

    @Test
    void unpublishedEventIsReportedButTheTransitionStands() {
        var scheduled = runs.schedule(tracked("seed"));
        events.refuse = true;
        var started = runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1));
        assertFalse(started.published());
        assertEquals(RunStatus.RUNNING, runs.get(scheduled.run().id()).status());
    }

    @Test
    void serverTimesAreKeptToTheMillisecond() {
        var precise = new RunLifecycle(store, new RecordingPorts.Ids(), logs, events,
                Clock.fixed(Instant.parse("2026-11-27T12:00:00.123456789Z"), ZoneOffset.UTC));
        var scheduled = precise.schedule(tracked("seed"));
        var started = precise.start(scheduled.run().id(), scheduled.token(), new ClientTime(1));
        assertEquals(Instant.parse("2026-11-27T12:00:00.123Z"), started.run().scheduledAt());
        assertEquals(Instant.parse("2026-11-27T12:00:00.123Z"), started.run().startedReceivedAt().orElseThrow());
    }

    @Test
    void getOfUnknownRunIsNotFound() {
        var problem = assertThrows(RunNotFound.class, () -> runs.get(new RunId(7)));
        assertInstanceOf(RunException.class, problem);
        assertEquals("run_not_found", problem.code());
    }
}
