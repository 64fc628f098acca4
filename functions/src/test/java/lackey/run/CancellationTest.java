package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operators cancel live runs; the token dies with the run, and the event names the task to stop. */
class CancellationTest {

    private static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/lackey/0123456789abcdef0123456789abcdef";

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    private RunLifecycle.Scheduled schedule() {
        return runs.schedule(new RunSpec("sim", Optional.of("sleep 600"), Map.of(), List.of()));
    }

    @Test
    void cancellingARunningRunEndsItAndNamesItsTask() {
        var run = schedule();
        runs.start(run.run().id(), run.token(), new ClientTime(1), Optional.of(TASK));
        var cancelled = runs.cancel(run.run().id(), Optional.of("wrong mesh"));
        assertEquals(RunStatus.CANCELLED, cancelled.run().status());
        assertEquals("wrong mesh", cancelled.run().interruption().orElseThrow().reason());
        assertTrue(cancelled.run().deadline().isEmpty(), "a cancelled run is never swept");
        var event = events.published.getLast();
        assertEquals("Run Cancelled", event.detailType());
        assertEquals(Optional.of(TASK), event.run().taskArn());
    }

    @Test
    void theTokenStopsWorkingOnceCancelled() {
        var run = schedule();
        runs.cancel(run.run().id(), Optional.empty());
        assertThrows(WrongState.class, () -> runs.start(run.run().id(), run.token(), new ClientTime(1)));
        assertEquals("cancelled by an operator", runs.get(run.run().id()).interruption().orElseThrow().reason());
    }

    @Test
    void endedRunsCannotBeCancelledAndUnknownOnesAreNotFound() {
        var run = schedule();
        runs.start(run.run().id(), run.token(), new ClientTime(1));
        runs.stop(run.run().id(), run.token(), new ClientTime(2), StopReport.parse(null, null), Optional.empty());
        var problem = assertThrows(WrongState.class, () -> runs.cancel(run.run().id(), Optional.empty()));
        assertTrue(problem.getMessage().contains("FINISHED"), problem.getMessage());
        assertThrows(RunNotFound.class, () -> runs.cancel(new RunId(999), Optional.empty()));
    }

    @Test
    void taskMustBeAnArn() {
        var run = schedule();
        assertThrows(InvalidInput.class, () -> runs.start(run.run().id(), run.token(), new ClientTime(1), Optional.of("my-task")));
        assertEquals(RunStatus.SCHEDULED, runs.get(run.run().id()).status());
    }
}
