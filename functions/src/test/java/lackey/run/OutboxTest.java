package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A dispatched run whose "Run Scheduled" could not be published is published again by the sweeper, with a new token. */
class OutboxTest {

    private final LivenessTest.ManualClock clock = new LivenessTest.ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events, clock);

    private RunLifecycle.Scheduled scheduleWhileTheBusRefuses() {
        events.refuse = true;
        var scheduled = runs.schedule(new RunSpec("sim", Optional.of("run.sh"), Map.of(), List.of()));
        events.refuse = false;
        return scheduled;
    }

    @Test
    void unpublishedDispatchIsVisibleAndRepublishedWithAFreshToken() {
        var scheduled = scheduleWhileTheBusRefuses();
        assertFalse(scheduled.published());
        Run pending = runs.get(scheduled.run().id());
        assertEquals(DeadlineKind.DISPATCH, pending.deadline().orElseThrow().kind());

        assertEquals(List.of(), runs.sweep(100).redispatched(), "not before the retry is due");
        clock.advance(RunLifecycle.REDISPATCH_AFTER);
        var sweep = runs.sweep(100);
        assertEquals(List.of(scheduled.run().id()), sweep.redispatched().stream().map(Run::id).toList());
        assertEquals(List.of(), sweep.lost());

        var republished = (RunEvent.Scheduled) events.published.getLast();
        Token fresh = republished.tokenForContainer().orElseThrow();
        assertNotEquals(scheduled.token().reveal(), fresh.reveal());
        assertEquals(DeadlineKind.START, runs.get(scheduled.run().id()).deadline().orElseThrow().kind());

        // the start call is the fence: a container holding the first token cannot start the run
        assertThrows(WrongToken.class, () -> runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(1)));
        assertEquals(RunStatus.RUNNING, runs.start(scheduled.run().id(), fresh, new ClientTime(1)).run().status());
        assertTrue(runs.sweep(100).redispatched().isEmpty(), "dispatched once");
    }

    @Test
    void aStillRefusingBusIsTriedAgainLaterAndTheRunIsLostAfterItsStartTimeout() {
        var scheduled = scheduleWhileTheBusRefuses();
        events.refuse = true;
        clock.advance(RunLifecycle.REDISPATCH_AFTER);
        assertEquals(List.of(), runs.sweep(100).redispatched());
        assertEquals(DeadlineKind.DISPATCH, runs.get(scheduled.run().id()).deadline().orElseThrow().kind(), "still pending");
        clock.advance(Duration.ofDays(2));
        events.refuse = false;
        runs.sweep(100);      // publishes at last, with the start deadline already past
        var lost = runs.sweep(100).lost();
        assertEquals(List.of(scheduled.run().id()), lost.stream().map(Run::id).toList());
    }

    @Test
    void trackedRunsAreNotDispatchedSoNothingIsPending() {
        events.refuse = true;
        var tracked = runs.schedule(new RunSpec("tracked", Optional.empty(), Map.of(), List.of()));
        assertEquals(DeadlineKind.START, runs.get(tracked.run().id()).deadline().orElseThrow().kind());
    }
}
