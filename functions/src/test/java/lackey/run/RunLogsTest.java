package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Log links and uploaded logs: who may get which link, and what a stop that refers to an upload records. */
class RunLogsTest {

    /** Remembers what it signed and answers with recognisable fake URLs. */
    private static final class RecordingLinks implements LogLinks {
        final List<String> signed = new ArrayList<>();

        @Override
        public URI download(LogRef log, Duration validFor) {
            signed.add("GET " + log.location() + " " + validFor);
            return URI.create("https://signed.example/get/" + log.location().replace("://", "/"));
        }

        @Override
        public URI upload(LogUpload upload, Duration validFor) {
            signed.add("PUT " + upload.reference() + " " + validFor);
            return URI.create("https://signed.example/put/" + upload.reference());
        }
    }

    private final LivenessTest.ManualClock clock = new LivenessTest.ManualClock();
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RecordingPorts.Logs logs = new RecordingPorts.Logs();
    private final RecordingPorts.Events events = new RecordingPorts.Events();
    private final RecordingLinks links = new RecordingLinks();
    private final RunLifecycle runs = new RunLifecycle(store, new RecordingPorts.Ids(), logs, events, clock);
    private final RunLogs runLogs = new RunLogs(store, links, clock);

    private RunLifecycle.Scheduled running() {
        var scheduled = runs.schedule(new RunSpec("sim", Optional.empty(), Map.of(), List.of(),
                new Timeouts(Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(10)), Duration.ofSeconds(3600))));
        runs.start(scheduled.run().id(), scheduled.token(), new ClientTime(clock.now.getEpochSecond()));
        return scheduled;
    }

    private ClientTime now() {
        return new ClientTime(clock.now.getEpochSecond());
    }

    /** The simulation PUTs its file: the fake store now has an object at the reference. */
    private String uploadOf(RunLifecycle.Scheduled run, long bytes) {
        String reference = runLogs.grantUpload(run.run().id(), run.token()).upload().reference();
        logs.uploads.put(reference, bytes);
        return reference;
    }

    // ---- the upload reference

    @Test
    void uploadReferenceIsAFreshKeyUnderTheRunsLogPrefix() {
        var run = running();
        var first = runLogs.grantUpload(run.run().id(), run.token());
        var second = runLogs.grantUpload(run.run().id(), run.token());
        assertTrue(first.upload().reference().matches("logs/" + run.run().id() + "/\\d{13}-[0-9a-f]{8}\\.log"),
                first.upload().reference());
        assertNotEquals(first.upload().reference(), second.upload().reference(), "one key per upload attempt");
        assertEquals(URI.create("https://signed.example/put/" + first.upload().reference()), first.url());
        assertEquals(clock.now.plus(Duration.ofHours(1)), first.expiresAt());
        assertEquals("PUT " + first.upload().reference() + " PT1H", links.signed.getFirst());
        assertEquals(first.upload(), LogUpload.of(run.run().id(), first.upload().reference()), "the reference reads back");
    }

    @Test
    void referenceOfAnotherRunOrNotAReferenceIsRefused() {
        var ofSeven = LogUpload.of(new RunId(7), "logs/7/1764244800000-0a1b2c3d.log");
        var refused = assertThrows(InvalidInput.class, () -> LogUpload.of(new RunId(8), ofSeven.reference()));
        assertTrue(refused.getMessage().contains("upload of run 7, not of run 8"), refused.getMessage());
        for (String junk : List.of("", "logs/8/../7/1764244800000-0a1b2c3d.log", "s3://bucket/logs/8/1764244800000-0a1b2c3d.log",
                "logs/8/1764244800000-0a1b2c3d.log/..", "logs/8/1764244800000-0A1B2C3D.log", "logs/8/x.log")) {
            assertThrows(InvalidInput.class, () -> LogUpload.of(new RunId(8), junk), junk);
        }
    }

    // ---- who may upload

    @Test
    void onlyTheRunsTokenGetsAnUploadUrlAndOnlyWhileItCanStop() {
        var run = running();
        assertThrows(WrongToken.class, () -> runLogs.grantUpload(run.run().id(), Token.generate()));
        assertThrows(RunNotFound.class, () -> runLogs.grantUpload(new RunId(999), run.token()));
        var scheduled = runs.schedule(new RunSpec("later", Optional.empty(), Map.of(), List.of()));
        var early = assertThrows(WrongState.class, () -> runLogs.grantUpload(scheduled.run().id(), scheduled.token()));
        assertEquals("run " + scheduled.run().id() + " is SCHEDULED, so it cannot upload a log", early.getMessage());
        runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, null), Optional.empty());
        assertThrows(WrongState.class, () -> runLogs.grantUpload(run.run().id(), run.token()), "a finished run is done");
        assertTrue(links.signed.isEmpty(), "nothing was signed for a refused caller: " + links.signed);
    }

    @Test
    void aLostRunMayUploadTheLogOfItsLateStopOnce() {
        var run = running();
        clock.now = clock.now.plusSeconds(11);
        runs.sweep(100);
        assertEquals(RunStatus.LOST, runs.get(run.run().id()).status());
        String reference = uploadOf(run, 42);
        var late = runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, "1"), Optional.empty(), Optional.of(reference));
        assertEquals(RunStatus.LOST, late.run().status());
        assertEquals(new LogRef("mem://" + reference, 42), late.run().log().orElseThrow());
        assertThrows(WrongState.class, () -> runLogs.grantUpload(run.run().id(), run.token()), "after the late stop");
    }

    // ---- the stop that refers to an upload

    @Test
    void stopWithUploadRecordsTheUploadedObjectAndItsSize() {
        var run = running();
        String reference = uploadOf(run, 104_857_600L);
        var stopped = runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, "0"), Optional.empty(),
                Optional.of(reference));
        assertEquals(RunStatus.FINISHED, stopped.run().status());
        assertEquals(new LogRef("mem://" + reference, 104_857_600L), stopped.run().log().orElseThrow());
        assertEquals(List.of(), logs.stored, "nothing is written inline");
        assertEquals("Run Stopped", events.published.getLast().detailType());
        assertEquals(1, store.reads, "one read: the grant's; the stop itself reads no run");
    }

    @Test
    void stopWithBothLogAndUploadIsRefusedBeforeAnythingHappens() {
        var run = running();
        String reference = uploadOf(run, 10);
        assertThrows(InvalidInput.class, () -> runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, null),
                RecordingPorts.log("inline"), Optional.of(reference)));
        assertEquals(List.of(), logs.stored);
        assertEquals(List.of(), logs.lookedUp);
        assertEquals(RunStatus.RUNNING, runs.get(run.run().id()).status());
    }

    @Test
    void stopWithAnotherRunsUploadOrAMissingOneIsRefusedAndTheRunKeepsRunning() {
        var mine = running();
        var other = running();
        String othersReference = uploadOf(other, 10);
        var foreign = assertThrows(InvalidInput.class, () -> runs.stop(mine.run().id(), mine.token(), now(),
                StopReport.parse(null, null), Optional.empty(), Optional.of(othersReference)));
        assertTrue(foreign.getMessage().contains("not of run " + mine.run().id()), foreign.getMessage());
        assertEquals(List.of(), logs.lookedUp, "a foreign reference is refused without looking");

        String neverUploaded = runLogs.grantUpload(mine.run().id(), mine.token()).upload().reference();
        var missing = assertThrows(InvalidInput.class, () -> runs.stop(mine.run().id(), mine.token(), now(),
                StopReport.parse(null, null), Optional.empty(), Optional.of(neverUploaded)));
        assertTrue(missing.getMessage().contains("nothing was uploaded"), missing.getMessage());
        assertEquals(RunStatus.RUNNING, runs.get(mine.run().id()).status());
    }

    @Test
    void aRefusedStopLeavesTheUploadInPlaceForTheRetry() {
        var run = running();
        String reference = uploadOf(run, 10);
        long started = runs.get(run.run().id()).started().orElseThrow().epochSeconds();
        assertThrows(InvalidInput.class, () -> runs.stop(run.run().id(), run.token(), new ClientTime(started - 1),
                StopReport.parse(null, null), Optional.empty(), Optional.of(reference)), "a stop before its start");
        assertEquals(List.of(), logs.discarded, "the simulation's upload is not deleted");
        var retried = runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, null), Optional.empty(),
                Optional.of(reference));
        assertEquals(10, retried.run().log().orElseThrow().bytes());
    }

    // ---- the download link

    @Test
    void downloadLinkSignsTheStoredLogForFifteenMinutes() {
        var run = running();
        runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, null), RecordingPorts.log("asdf 123"));
        var link = runLogs.download(run.run().id());
        String location = logs.stored.getFirst().location();
        assertEquals(URI.create("https://signed.example/get/" + location.replace("://", "/")), link.url());
        assertEquals(clock.now.plus(Duration.ofMinutes(15)), link.expiresAt());
        assertEquals(List.of("GET " + location + " PT15M"), links.signed);
    }

    @Test
    void downloadOfARunWithoutLogOrOfNoRunIsNotFound() {
        var run = running();
        var noLog = assertThrows(LogNotFound.class, () -> runLogs.download(run.run().id()));
        assertEquals("log_not_found", noLog.code());
        runs.stop(run.run().id(), run.token(), now(), StopReport.parse(null, null), Optional.empty());
        assertThrows(LogNotFound.class, () -> runLogs.download(run.run().id()), "stopped without a log");
        assertThrows(RunNotFound.class, () -> runLogs.download(new RunId(999)));
        assertTrue(links.signed.isEmpty());
    }
}
