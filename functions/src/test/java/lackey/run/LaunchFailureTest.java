package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run whose container could not be launched: the failure is recorded with its reason, the run is launched again
 * with a fresh token after a delay that doubles, and after its last attempt it is LOST. Hearing of a failure twice, or
 * of an old launch's failure, changes nothing.
 */
class LaunchFailureTest {

    private static final Duration DELAY = Duration.ofMinutes(1);

    private final LivenessTest.ManualClock clock = new LivenessTest.ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events, clock);
    private final RecordLaunchFailure failures = new RecordLaunchFailure(store, events, new LaunchRetries(3, DELAY), clock);

    private RunLifecycle.Scheduled dispatched() {
        return runs.schedule(new RunSpec("sim", Optional.of("run.sh"), Map.of(), List.of()));
    }

    /** The token the latest "Run Scheduled" of the run carried: what its container got. */
    private Token launchedToken(RunId id) {
        for (RunEvent event : events.published.reversed()) {
            if (event instanceof RunEvent.Scheduled scheduled && scheduled.run().id().equals(id)) {
                return scheduled.tokenForContainer().orElseThrow();
            }
        }
        throw new AssertionError("run " + id + " was never dispatched");
    }

    private RecordLaunchFailure.Result fail(RunId id, String reason) {
        return failures.record(new LaunchFailure(id, launchedToken(id), reason));
    }

    @Test
    void aFailedLaunchIsRecordedWithItsReasonAndTheRunIsLaunchedAgainAfterTheDelay() {
        var scheduled = dispatched();
        RunId id = scheduled.run().id();
        var result = fail(id, "CannotPullContainerError: pull image manifest has been retried 5 time(s)");

        assertEquals(RecordLaunchFailure.Outcome.RETRYING, result.outcome());
        Run run = runs.get(id);
        assertEquals(RunStatus.SCHEDULED, run.status());
        assertEquals(new LaunchFailures(1, clock.instant(), "CannotPullContainerError: pull image manifest has been retried 5 time(s)"),
                run.launchFailures().orElseThrow());
        assertEquals(new Deadline(clock.instant().plus(DELAY), DeadlineKind.DISPATCH), run.deadline().orElseThrow());
        var told = (RunEvent.LaunchFailed) events.published.getLast();
        assertEquals("Run Launch Failed", told.detailType());
        assertEquals(run, told.run());
        assertTrue(result.published());

        assertThrows(WrongToken.class, () -> runs.start(id, scheduled.token(), new ClientTime(1)),
                "the token of a failed launch is revoked: a container that started late after all cannot start the run");
        assertEquals(List.of(), runs.sweep(100).redispatched(), "not before the delay");
        clock.advance(DELAY);
        assertEquals(List.of(id), runs.sweep(100).redispatched().stream().map(Run::id).toList());
        Token fresh = launchedToken(id);
        Run started = runs.start(id, fresh, new ClientTime(1)).run();
        assertEquals(RunStatus.RUNNING, started.status());
        assertEquals(1, started.launchFailures().orElseThrow().count(), "the history stays on the run");
    }

    @Test
    void eachRetryWaitsTwiceAsLongAndTheLastFailureMakesTheRunLostWithTheReason() {
        RunId id = dispatched().run().id();
        assertEquals(RecordLaunchFailure.Outcome.RETRYING, fail(id, "first").outcome());
        clock.advance(DELAY);
        runs.sweep(100);
        assertEquals(RecordLaunchFailure.Outcome.RETRYING, fail(id, "second").outcome());
        assertEquals(clock.instant().plus(DELAY.multipliedBy(2)), runs.get(id).deadline().orElseThrow().at());
        assertEquals(List.of(), runs.sweep(100).redispatched());
        clock.advance(DELAY.multipliedBy(2));
        runs.sweep(100);

        var last = fail(id, "ResourceInitializationError: unable to pull secrets or registry auth");
        assertEquals(RecordLaunchFailure.Outcome.GAVE_UP, last.outcome());
        Run lost = runs.get(id);
        assertEquals(RunStatus.LOST, lost.status());
        assertEquals("container not launched after 3 attempts: ResourceInitializationError: unable to pull secrets or registry auth",
                lost.interruption().orElseThrow().reason());
        assertEquals(3, lost.launchFailures().orElseThrow().count());
        assertEquals(Optional.empty(), lost.deadline(), "an ended run has no deadline: the sweeper forgets it");
        assertEquals(RunStatus.LOST, ((RunEvent.LaunchFailed) events.published.getLast()).run().status());
    }

    @Test
    void theSameFailureHeardTwiceChangesNothingTheSecondTime() {
        RunId id = dispatched().run().id();
        var failure = new LaunchFailure(id, launchedToken(id), "CannotPullContainerError: not found");
        assertEquals(RecordLaunchFailure.Outcome.RETRYING, failures.record(failure).outcome());
        Run once = runs.get(id);
        int published = events.published.size();

        clock.advance(Duration.ofSeconds(5));
        var again = failures.record(failure);
        assertEquals(RecordLaunchFailure.Outcome.STALE, again.outcome());
        assertFalse(again.recorded());
        assertEquals(once, runs.get(id), "neither the count nor the deadline moved");
        assertEquals(published, events.published.size(), "nothing published");
    }

    @Test
    void aLateFailureOfAnEarlierLaunchDoesNotCountAgainstTheCurrentOne() {
        RunId id = dispatched().run().id();
        Token first = launchedToken(id);
        fail(id, "first launch");
        clock.advance(DELAY);
        runs.sweep(100);
        Run relaunched = runs.get(id);

        var late = failures.record(new LaunchFailure(id, first, "first launch, told again"));
        assertEquals(RecordLaunchFailure.Outcome.STALE, late.outcome());
        assertEquals(relaunched, runs.get(id));
    }

    @Test
    void aFailureOfARunThatStartedOrEndedChangesNothing() {
        var started = dispatched();
        Token token = launchedToken(started.run().id());
        runs.start(started.run().id(), token, new ClientTime(1));
        var failure = failures.record(new LaunchFailure(started.run().id(), token, "a second task of the same launch"));
        assertEquals(RecordLaunchFailure.Outcome.NOT_SCHEDULED, failure.outcome());
        assertEquals(RunStatus.RUNNING, runs.get(started.run().id()).status());
        assertEquals(Optional.empty(), runs.get(started.run().id()).launchFailures());

        var cancelled = dispatched();
        Token cancelledToken = launchedToken(cancelled.run().id());
        runs.cancel(cancelled.run().id(), Optional.empty());
        assertEquals(RecordLaunchFailure.Outcome.NOT_SCHEDULED,
                failures.record(new LaunchFailure(cancelled.run().id(), cancelledToken, "too late")).outcome());
        assertEquals(RunStatus.CANCELLED, runs.get(cancelled.run().id()).status());

        assertEquals(RecordLaunchFailure.Outcome.UNKNOWN_RUN,
                failures.record(new LaunchFailure(new RunId(999), Token.generate(), "who?")).outcome());
    }

    @Test
    void withOneAttemptTheFirstFailureMakesTheRunLost() {
        var once = new RecordLaunchFailure(store, events, new LaunchRetries(1, DELAY), clock);
        RunId id = dispatched().run().id();
        var result = once.record(new LaunchFailure(id, launchedToken(id), "no capacity"));
        assertEquals(RecordLaunchFailure.Outcome.GAVE_UP, result.outcome());
        assertEquals("container not launched after 1 attempt: no capacity", runs.get(id).interruption().orElseThrow().reason());
    }

    @Test
    void aFailureIsRecordedEvenWhenItsEventCannotBePublished() {
        RunId id = dispatched().run().id();
        events.refuse = true;
        var result = fail(id, "no capacity");
        assertEquals(RecordLaunchFailure.Outcome.RETRYING, result.outcome());
        assertFalse(result.published());
        assertEquals(1, runs.get(id).launchFailures().orElseThrow().count());
    }

    @Test
    void reasonsAreOneReadableLineOfBoundedLength() {
        assertEquals("CannotPullContainerError: a  b", new LaunchFailure(new RunId(1), Token.generate(), " CannotPullContainerError: a\n\tb ").reason());
        assertEquals("no reason given", new LaunchFailure(new RunId(1), Token.generate(), "\n").reason());
        String long_ = new LaunchFailure(new RunId(1), Token.generate(), "x".repeat(5000)).reason();
        assertEquals(LaunchFailure.MAX_REASON, long_.length());
        assertTrue(long_.endsWith("…"));
    }

    @Test
    void retriesAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchRetries(0, DELAY));
        assertThrows(IllegalArgumentException.class, () -> new LaunchRetries(11, DELAY));
        assertThrows(IllegalArgumentException.class, () -> new LaunchRetries(3, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LaunchRetries(3, Duration.ofHours(2)));
        assertEquals(2, LaunchRetries.DEFAULT.retries());
        assertEquals(Duration.ofMinutes(1), LaunchRetries.DEFAULT.firstDelay().truncatedTo(ChronoUnit.MINUTES));
    }
}
