package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Retried calls: a start, stop or cancel repeated with the same token and fields answers with the run the
 * first call left, changes nothing and publishes nothing; one that differs is refused and says how. The
 * check costs one read, on the path that already reads after a failed condition.
 */
class RetriesTest {

    private static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/lackey/0123456789abcdef0123456789abcdef";
    private static final String OTHER_TASK = "arn:aws:ecs:us-east-1:123456789012:task/lackey/fedcba9876543210fedcba9876543210";

    private final LivenessTest.ManualClock clock = new LivenessTest.ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Logs logs = new RecordingPorts.Logs();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), logs, events, clock);

    private RunLifecycle.Scheduled schedule() {
        return runs.schedule(new RunSpec("sim", Optional.empty(), Map.of(), List.of(),
                new Timeouts(Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(30)), Duration.ofSeconds(3600))));
    }

    private RunLifecycle.Scheduled running() {
        var run = schedule();
        runs.start(run.run().id(), run.token(), now());
        return run;
    }

    private ClientTime now() {
        return new ClientTime(clock.now.getEpochSecond());
    }

    private RunLifecycle.Transition stop(RunLifecycle.Scheduled run, ClientTime ts, String exit, Optional<String> log) {
        return runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, exit),
                log.map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> published() {
        return events.published.stream().map(RunEvent::detailType).toList();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- start

    @Test
    void aRetriedStartAnswersTheRunTheFirstLeftAndChangesNothing() {
        var run = schedule();
        var first = runs.start(run.run().id(), run.token(), new ClientTime(1369312595), Optional.of(TASK));
        clock.advance(Duration.ofSeconds(3));
        store.reads = 0;

        var retried = runs.start(run.run().id(), run.token(), new ClientTime(1369312595), Optional.of(TASK));

        assertEquals(first.run(), retried.run(), "the same run, the first call's receive time and deadline included");
        assertTrue(retried.repeated());
        assertFalse(first.repeated());
        assertEquals(first.run(), runs.get(run.run().id()), "nothing changed");
        assertEquals(List.of("Run Scheduled", "Run Started"), published(), "a repeat publishes nothing");
        assertEquals(2, store.reads, "one read to recognise the repeat (and one by the get above)");
    }

    @Test
    void aRetriedStartThatDiffersIsRefusedAndSaysHow() {
        var run = schedule();
        runs.start(run.run().id(), run.token(), new ClientTime(100), Optional.of(TASK));

        var otherTs = assertThrows(WrongState.class,
                () -> runs.start(run.run().id(), run.token(), new ClientTime(101), Optional.of(TASK)));
        assertEquals("run " + run.run().id() + " is RUNNING: the start applied to it differs from this one: ts 101 instead of 100",
                otherTs.getMessage());
        var noTask = assertThrows(WrongState.class, () -> runs.start(run.run().id(), run.token(), new ClientTime(100)));
        assertTrue(noTask.getMessage().endsWith("differs from this one: no task instead of one"), noTask.getMessage());
        var otherTask = assertThrows(WrongState.class,
                () -> runs.start(run.run().id(), run.token(), new ClientTime(100), Optional.of(OTHER_TASK)));
        assertTrue(otherTask.getMessage().endsWith("differs from this one: another task"), otherTask.getMessage());
        assertFalse(otherTask.getMessage().contains("arn:"), "task ARNs are not echoed");

        var untracked = schedule();
        runs.start(untracked.run().id(), untracked.token(), new ClientTime(100));
        var taskAdded = assertThrows(WrongState.class,
                () -> runs.start(untracked.run().id(), untracked.token(), new ClientTime(100), Optional.of(TASK)));
        assertTrue(taskAdded.getMessage().endsWith("differs from this one: a task instead of none"), taskAdded.getMessage());
        assertEquals(Optional.empty(), runs.get(untracked.run().id()).taskArn(), "a refused retry changes nothing");
    }

    @Test
    void aRetriedStartAfterHeartbeatsAnswersTheRunAsItIsNowWithTheFirstStartsFields() {
        var run = schedule();
        var first = runs.start(run.run().id(), run.token(), new ClientTime(100));
        clock.advance(Duration.ofSeconds(20));
        var beating = runs.heartbeat(run.run().id(), run.token(), now(), Optional.of(40), Optional.of("meshing"));

        var retried = runs.start(run.run().id(), run.token(), new ClientTime(100));

        assertEquals(beating, retried.run(), "the run as it is now: its deadline is the one that applies");
        assertEquals(first.run().startedReceivedAt(), retried.run().startedReceivedAt(), "the start recorded once");
    }

    @Test
    void aRetriedStartAfterTheRunEndedIsRefusedButSaysItHadBeenApplied() {
        var stopped = running();
        ClientTime startedAt = runs.get(stopped.run().id()).started().orElseThrow();
        stop(stopped, now(), "0", Optional.empty());
        var afterStop = assertThrows(WrongState.class, () -> runs.start(stopped.run().id(), stopped.token(), startedAt));
        assertEquals("run " + stopped.run().id() + " is FINISHED, so it cannot start; a start with these fields was applied"
                + " before the run ended", afterStop.getMessage());

        var cancelled = running();
        runs.cancel(cancelled.run().id(), Optional.empty());
        var afterCancel = assertThrows(WrongState.class,
                () -> runs.start(cancelled.run().id(), cancelled.token(), new ClientTime(startedAt.epochSeconds() + 1)));
        assertEquals("run " + cancelled.run().id() + " is CANCELLED, so it cannot start", afterCancel.getMessage(),
                "a start that differs gets the plain refusal");

        var neverStarted = schedule();
        runs.cancel(neverStarted.run().id(), Optional.empty());
        var cancelledFirst = assertThrows(WrongState.class, () -> runs.start(neverStarted.run().id(), neverStarted.token(), now()));
        assertEquals("run " + neverStarted.run().id() + " is CANCELLED, so it cannot start", cancelledFirst.getMessage());
    }

    @Test
    void aRetryWithAnotherTokenIsForbiddenWhateverItsFields() {
        var run = running();
        ClientTime startedAt = runs.get(run.run().id()).started().orElseThrow();
        assertThrows(WrongToken.class, () -> runs.start(run.run().id(), Token.generate(), startedAt));
        stop(run, now(), null, Optional.of("log"));
        assertThrows(WrongToken.class, () -> runs.stop(run.run().id(), Token.generate(), now(), StopReport.parse(null, null),
                RecordingPorts.log("log")));
    }

    // ---- stop, inline log

    @Test
    void aRetriedStopWithTheSameLogAnswersTheFirstsRunAndDiscardsItsOwnCopy() throws Exception {
        var run = running();
        clock.advance(Duration.ofSeconds(5));
        var first = stop(run, now(), "0", Optional.of("asdf 123\nüñí"));
        LogRef kept = first.run().log().orElseThrow();
        assertEquals(Optional.of(sha256("asdf 123\nüñí")), kept.sha256(), "the digest of the log's UTF-8 bytes");
        assertEquals("asdf 123\nüñí".getBytes(StandardCharsets.UTF_8).length, kept.bytes());
        clock.advance(Duration.ofSeconds(2));

        var retried = stop(run, new ClientTime(first.run().stopped().orElseThrow().epochSeconds()), "0", Optional.of("asdf 123\nüñí"));

        assertEquals(first.run(), retried.run());
        assertTrue(retried.repeated());
        assertEquals(2, logs.stored.size(), "the retry stored its copy before its write, as every stop does");
        assertEquals(List.of(logs.stored.get(1)), logs.discarded, "and removed it: only the first log remains");
        assertNotEquals(kept.location(), logs.stored.get(1).location());
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Stopped"), published());
    }

    @Test
    void aRetriedStopThatDiffersIsRefusedWithoutEchoingTheLog() {
        var run = running();
        ClientTime ts = now();
        stop(run, ts, "0", Optional.of("secret result 42"));
        String id = run.run().id().toString();

        var otherLog = assertThrows(WrongState.class, () -> stop(run, ts, "0", Optional.of("secret result 43")));
        assertEquals("run " + id + " is FINISHED: the stop applied to it differs from this one: another log of the same size (16 bytes)",
                otherLog.getMessage());
        var otherEverything = assertThrows(WrongState.class, () -> stop(run, new ClientTime(ts.epochSeconds() + 1), "2", Optional.empty()));
        assertEquals("run " + id + " is FINISHED: the stop applied to it differs from this one: ts " + (ts.epochSeconds() + 1)
                + " instead of " + ts.epochSeconds() + ", status FAILED instead of FINISHED, exit 2 instead of 0,"
                + " no log instead of one of 16 bytes", otherEverything.getMessage());
        var noExit = assertThrows(WrongState.class, () -> stop(run, ts, null, Optional.of("secret result 42 and more")));
        assertEquals("run " + id + " is FINISHED: the stop applied to it differs from this one: no exit code instead of 0,"
                + " a log of 25 bytes instead of 16", noExit.getMessage());
        for (var refused : List.of(otherLog, otherEverything, noExit)) {
            assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        }
        assertEquals(logs.stored.subList(1, logs.stored.size()), logs.discarded, "every refused retry's copy is removed");
        assertEquals("secret result 42", logs.texts.getFirst());
        assertEquals(Optional.of(0), runs.get(run.run().id()).exitCode(), "nothing changed");
    }

    @Test
    void aStopWithoutLogRetriedWithoutLogIsTheSameCall() {
        var run = running();
        ClientTime ts = now();
        var first = stop(run, ts, null, Optional.empty());
        assertEquals(first.run(), stop(run, ts, null, Optional.empty()).run());
        var withLog = assertThrows(WrongState.class, () -> stop(run, ts, null, Optional.of("late")));
        assertTrue(withLog.getMessage().endsWith("a log instead of none"), withLog.getMessage());
    }

    // ---- stop, uploaded log

    @Test
    void aRetriedStopWithTheSameUploadIsTheSameCallAndAnotherUploadIsRefusedAndLeftInPlace() {
        var run = running();
        String reference = LogUpload.next(run.run().id(), clock.now, new java.util.Random(1)).reference();
        String another = LogUpload.next(run.run().id(), clock.now, new java.util.Random(2)).reference();
        logs.uploads.put(reference, 5_000_000L);
        logs.uploads.put(another, 5_000_000L);
        ClientTime ts = now();
        var first = runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"), Optional.empty(), Optional.of(reference));
        assertEquals(Optional.empty(), first.run().log().orElseThrow().sha256(), "lackey never reads an upload to digest it");

        var retried = runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"), Optional.empty(), Optional.of(reference));
        assertEquals(first.run(), retried.run());
        assertTrue(retried.repeated());

        var refused = assertThrows(WrongState.class, () -> runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"),
                Optional.empty(), Optional.of(another)));
        assertTrue(refused.getMessage().endsWith("differs from this one: another upload"), refused.getMessage());
        var inline = assertThrows(WrongState.class, () -> runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"),
                RecordingPorts.log("inline"), Optional.empty()));
        assertTrue(inline.getMessage().endsWith("differs from this one: a log sent inline instead of an upload"), inline.getMessage());
        assertEquals(logs.stored, logs.discarded, "only the inline copy is removed: uploads are the simulation's files");
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Stopped"), published());
    }

    @Test
    void aStopWithAnInlineLogRetriedAsAnUploadIsRefused() {
        var run = running();
        ClientTime ts = now();
        stop(run, ts, "0", Optional.of("inline"));
        String reference = LogUpload.next(run.run().id(), clock.now, new java.util.Random(3)).reference();
        logs.uploads.put(reference, 6L);
        var refused = assertThrows(WrongState.class, () -> runs.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"),
                Optional.empty(), Optional.of(reference)));
        assertTrue(refused.getMessage().endsWith("differs from this one: an upload instead of a log sent inline"), refused.getMessage());
    }

    // ---- the late stop of a LOST run

    @Test
    void aRetriedLateStopOfALostRunAnswersTheLostRunOnce() {
        var run = running();
        clock.advance(Duration.ofSeconds(31));
        runs.sweep(100);
        ClientTime ts = now();
        var late = stop(run, ts, "1", Optional.of("finished after all"));
        assertEquals(RunStatus.LOST, late.run().status());

        var retried = stop(run, ts, "1", Optional.of("finished after all"));
        assertEquals(late.run(), retried.run());
        assertTrue(retried.repeated());
        var differs = assertThrows(WrongState.class, () -> stop(run, ts, "0", Optional.of("finished after all")));
        assertEquals("run " + run.run().id() + " is LOST: the stop applied to it differs from this one: status FINISHED instead of"
                + " FAILED, exit 0 instead of 1", differs.getMessage());
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Lost", "Run Stopped"), published());
        assertEquals(logs.stored.subList(1, 3), logs.discarded);
    }

    @Test
    void aLateStopThatLosesItsRaceIsComparedWithTheOneThatWon() {
        var racing = new InMemoryRunStore() {
            Runnable before = () -> { };

            @Override
            public synchronized Optional<Run> recordLateStop(RunId id, TokenHash tokenHash, ClientTime stopped,
                                                             Instant receivedAt, StopReport report, Optional<LogRef> log) {
                Runnable other = before;
                before = () -> { };
                other.run();
                return super.recordLateStop(id, tokenHash, stopped, receivedAt, report, log);
            }
        };
        var lifecycle = new RunLifecycle(racing, new RecordingPorts.Ids(), logs, events, clock);
        var run = lifecycle.schedule(new RunSpec("sim", Optional.empty(), Map.of(), List.of(),
                new Timeouts(Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(30)), Duration.ofSeconds(3600))));
        lifecycle.start(run.run().id(), run.token(), now());
        clock.advance(Duration.ofSeconds(31));
        lifecycle.sweep(100);
        ClientTime ts = now();
        // the same late stop arrives twice at once: the other one records itself between our read and our write
        racing.before = () -> lifecycle.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"), RecordingPorts.log("log"));

        var ours = lifecycle.stop(run.run().id(), run.token(), ts, StopReport.parse(null, "0"), RecordingPorts.log("log"));

        assertTrue(ours.repeated(), "the loser answers as the winner did");
        assertEquals(lifecycle.get(run.run().id()), ours.run());
        assertEquals(Optional.of(RunStatus.FINISHED), ours.run().interruption().orElseThrow().reportedStatus());
        assertEquals(1, logs.discarded.size(), "the loser's copy is removed");
        assertNotEquals(logs.discarded.getFirst().location(), ours.run().log().orElseThrow().location());
    }

    // ---- cancel

    @Test
    void aRetriedCancelWithTheSameReasonAnswersTheCancelledRunAndPublishesNothing() {
        var run = running();
        var first = runs.cancel(run.run().id(), Optional.of("wrong mesh"));
        clock.advance(Duration.ofSeconds(4));

        var retried = runs.cancel(run.run().id(), Optional.of("wrong mesh"));

        assertEquals(first.run(), retried.run(), "cancelledAt is the first call's");
        assertTrue(retried.repeated());
        assertEquals(List.of("Run Scheduled", "Run Started", "Run Cancelled"), published(), "the task is stopped once");
        var defaulted = running();
        var byDefault = runs.cancel(defaulted.run().id(), Optional.empty());
        assertEquals(byDefault.run(), runs.cancel(defaulted.run().id(), Optional.of("cancelled by an operator")).run(),
                "no reason is the default reason");
        assertThrows(InvalidInput.class, () -> runs.cancel(defaulted.run().id(), Optional.of(" wrong mesh ")),
                "a reason is kept exactly, so one with spaces around it is refused rather than trimmed");
    }

    @Test
    void aRetriedCancelWithAnotherReasonIsRefusedWithoutEchoingEither() {
        var run = running();
        runs.cancel(run.run().id(), Optional.of("wrong mesh"));
        var other = assertThrows(WrongState.class, () -> runs.cancel(run.run().id(), Optional.of("out of budget")));
        assertEquals("run " + run.run().id() + " is CANCELLED: the cancel applied to it differs from this one: another reason",
                other.getMessage());
        assertThrows(WrongState.class, () -> runs.cancel(run.run().id(), Optional.empty()), "the default reason is another reason");
        assertEquals("wrong mesh", runs.get(run.run().id()).interruption().orElseThrow().reason());
    }

    @Test
    void aCancelOfARunThatEndedOtherwiseIsStillRefused() {
        var run = running();
        stop(run, now(), null, Optional.empty());
        var refused = assertThrows(WrongState.class, () -> runs.cancel(run.run().id(), Optional.empty()));
        assertEquals("run " + run.run().id() + " is FINISHED, so it cannot be cancelled", refused.getMessage());
    }

    // ---- heartbeat

    @Test
    void aRepeatedHeartbeatRecordsTheSameSignOfLifeAndMovesTheDeadlineFromItsOwnArrival() {
        var run = running();
        clock.advance(Duration.ofSeconds(10));
        ClientTime ts = now();
        var first = runs.heartbeat(run.run().id(), run.token(), ts, Optional.of(40), Optional.of("meshing"));
        clock.advance(Duration.ofSeconds(5));
        store.reads = 0;

        var again = runs.heartbeat(run.run().id(), run.token(), ts, Optional.of(40), Optional.of("meshing"));

        Heartbeat recorded = again.heartbeat().orElseThrow();
        assertEquals(ts, recorded.ts());
        assertEquals(Optional.of(40), recorded.progress());
        assertEquals(Optional.of("meshing"), recorded.message());
        assertEquals(clock.now, recorded.receivedAt(), "the repeat is a sign of life of its own");
        assertEquals(first.deadline().orElseThrow().at().plusSeconds(5), again.deadline().orElseThrow().at());
        assertEquals(0, store.reads, "a heartbeat to a running run is the success path, repeat or not");
        assertEquals(List.of("Run Scheduled", "Run Started"), published());
    }

    @Test
    void repeatedHeartbeatsCannotKeepARunPastItsMaximumDuration() {
        var run = running();
        Instant endBy = clock.now.plusSeconds(3600);
        ClientTime ts = now();
        for (int beat = 0; beat < 130; beat++) {
            clock.advance(Duration.ofSeconds(29));
            runs.heartbeat(run.run().id(), run.token(), ts, Optional.empty(), Optional.empty());
        }
        assertEquals(new Deadline(endBy, DeadlineKind.MAX_DURATION), runs.get(run.run().id()).deadline().orElseThrow());
        clock.advance(Duration.ofSeconds(29));
        assertEquals(List.of(run.run().id()), runs.sweep(100).lost().stream().map(Run::id).toList());
    }

    @Test
    void aHeartbeatRetriedAfterTheRunEndedIsRefused() {
        var run = running();
        ClientTime ts = now();
        runs.heartbeat(run.run().id(), run.token(), ts, Optional.of(99), Optional.empty());
        stop(run, ts, null, Optional.empty());
        var refused = assertThrows(WrongState.class,
                () -> runs.heartbeat(run.run().id(), run.token(), ts, Optional.of(99), Optional.empty()));
        assertEquals("run " + run.run().id() + " is FINISHED, so it cannot send a heartbeat", refused.getMessage());
    }
}
