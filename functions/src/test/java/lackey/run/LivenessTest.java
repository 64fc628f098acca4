package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Heartbeats, deadlines, the sweeper's LOST verdicts and late stops, on the core with fakes. */
class LivenessTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), new RecordingPorts.Logs(), events, clock);

    private RunLifecycle.Scheduled schedule(Timeouts timeouts) {
        return runs.schedule(new RunSpec("sim", Optional.empty(), Map.of(), List.of(), timeouts));
    }

    private static Timeouts timeouts(long start, Long heartbeat, long max) {
        return new Timeouts(Duration.ofSeconds(start), Optional.ofNullable(heartbeat).map(Duration::ofSeconds),
                Duration.ofSeconds(max));
    }

    private long now() {
        return clock.now.getEpochSecond();
    }

    @Test
    void runNeverStartedIsLostAfterItsStartTimeout() {
        var run = schedule(timeouts(60, null, 3600));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), runs.sweep(100).lost());
        clock.advance(Duration.ofSeconds(1));
        var lost = runs.sweep(100).lost();
        assertEquals(List.of(run.run().id()), lost.stream().map(Run::id).toList());
        Run verdict = runs.get(run.run().id());
        assertEquals(RunStatus.LOST, verdict.status());
        assertEquals("not started within 60 s of scheduling", verdict.interruption().orElseThrow().reason());
        assertEquals("Run Lost", events.published.getLast().detailType());
        assertTrue(verdict.deadline().isEmpty(), "a lost run has no deadline left");
    }

    @Test
    void heartbeatsKeepARunAliveAndSilenceLosesIt() {
        var run = schedule(timeouts(60, 30L, 3600));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        for (int beat = 0; beat < 5; beat++) {
            clock.advance(Duration.ofSeconds(25));
            var alive = runs.heartbeat(run.run().id(), run.token(), new ClientTime(now()), Optional.of(beat * 20), Optional.of("step " + beat));
            assertEquals(Optional.of(beat * 20), alive.heartbeat().orElseThrow().progress());
            assertEquals(List.of(), runs.sweep(100).lost());
        }
        clock.advance(Duration.ofSeconds(30));
        var lost = runs.sweep(100).lost();
        assertEquals(1, lost.size());
        assertEquals("no heartbeat for 30 s", lost.getFirst().interruption().orElseThrow().reason());
    }

    @Test
    void runWithoutHeartbeatsIsBoundedByItsMaximumDurationOnly() {
        var run = schedule(timeouts(60, null, 600));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        clock.advance(Duration.ofSeconds(599));
        assertEquals(List.of(), runs.sweep(100).lost());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("ran longer than its maximum duration of 600 s",
                runs.sweep(100).lost().getFirst().interruption().orElseThrow().reason());
    }

    @Test
    void heartbeatsCannotExtendARunPastItsMaximumDuration() {
        var run = schedule(timeouts(60, 300L, 400));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        clock.advance(Duration.ofSeconds(200));
        var beating = runs.heartbeat(run.run().id(), run.token(), new ClientTime(now()), Optional.empty(), Optional.empty());
        assertEquals(new Deadline(clock.now.minusSeconds(200).plusSeconds(400), DeadlineKind.MAX_DURATION),
                beating.deadline().orElseThrow());
    }

    @Test
    void lateStopOfLostRunIsRecordedOnceAndTheRunSaysBoth() {
        var run = schedule(timeouts(60, 10L, 3600));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        clock.advance(Duration.ofSeconds(11));
        runs.sweep(100);
        var late = runs.stop(run.run().id(), run.token(), new ClientTime(now()), StopReport.parse(null, "0"), RecordingPorts.log("late log"));
        assertEquals(RunStatus.LOST, late.run().status());
        assertEquals(Optional.of(RunStatus.FINISHED), late.run().interruption().orElseThrow().reportedStatus());
        assertTrue(late.run().log().isPresent(), "the late log is kept");
        assertThrows(WrongState.class, () -> runs.stop(run.run().id(), run.token(), new ClientTime(now()),
                StopReport.parse(null, null), Optional.empty()));
    }

    @Test
    void heartbeatChecksTokenAndState() {
        var run = schedule(timeouts(60, null, 3600));
        assertThrows(WrongState.class, () -> runs.heartbeat(run.run().id(), run.token(), new ClientTime(now()),
                Optional.empty(), Optional.empty()));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        assertThrows(WrongToken.class, () -> runs.heartbeat(run.run().id(), Token.generate(), new ClientTime(now()),
                Optional.empty(), Optional.empty()));
        assertThrows(InvalidInput.class, () -> runs.heartbeat(run.run().id(), run.token(), new ClientTime(now()),
                Optional.of(101), Optional.empty()));
    }

    @Test
    void stoppedRunIsNeverLost() {
        var run = schedule(timeouts(60, null, 100));
        runs.start(run.run().id(), run.token(), new ClientTime(now()));
        runs.stop(run.run().id(), run.token(), new ClientTime(now()), StopReport.parse(null, null), Optional.empty());
        clock.advance(Duration.ofDays(2));
        assertEquals(List.of(), runs.sweep(100).lost());
        assertEquals(RunStatus.FINISHED, runs.get(run.run().id()).status());
    }

    @Test
    void timeoutsParseWholeSecondsWithinBounds() {
        assertEquals(timeouts(5, 7L, 9), Timeouts.parse(Optional.of("5"), Optional.of("7"), Optional.of("9")));
        assertEquals(Timeouts.DEFAULTS, Timeouts.parse(Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(InvalidInput.class, () -> Timeouts.parse(Optional.of("0"), Optional.empty(), Optional.empty()));
        assertThrows(InvalidInput.class, () -> Timeouts.parse(Optional.of("1.5"), Optional.empty(), Optional.empty()));
        assertThrows(InvalidInput.class, () -> Timeouts.parse(Optional.empty(), Optional.empty(), Optional.of("99999999")));
    }
}
