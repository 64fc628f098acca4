package lackey.run;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Run logs moved beside the API rather than through it: a short-lived download link for a run's log,
 * and an upload link for a log too large to send inline with the stop. Each call reads the run once and
 * changes nothing; the stop that refers to an upload ({@link RunLifecycle#stop}) is the one write.
 */
public final class RunLogs {

    /** Long enough to start a download by hand, short enough that a leaked link soon stops working. */
    public static final Duration DOWNLOAD_VALIDITY = Duration.ofMinutes(15);
    /** Time to start the upload; S3 checks the signature when a PUT starts, so a long transfer may outlast it. */
    public static final Duration UPLOAD_VALIDITY = Duration.ofHours(1);

    private final RunStore store;
    private final LogLinks links;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RunLogs(RunStore store, LogLinks links, Clock clock) {
        this.store = store;
        this.links = links;
        this.clock = clock;
    }

    /** A link to download a log, and when it stops working. */
    public record Link(URI url, Instant expiresAt) {
    }

    /** Where to PUT a log, the reference the stop call hands back, and when the URL stops working. */
    public record Upload(LogUpload upload, URI url, Instant expiresAt) {
    }

    /** A download link for the run's log; the run must exist and have a log. */
    public Link download(RunId id) {
        Run run = store.find(id).map(RunStore.StoredRun::run).orElseThrow(() -> new RunNotFound(id));
        LogRef log = run.log().orElseThrow(() -> new LogNotFound(id));
        Instant now = now();
        return new Link(links.download(log, DOWNLOAD_VALIDITY), now.plus(DOWNLOAD_VALIDITY));
    }

    /**
     * An upload link for the log of a run that can still stop: a RUNNING run, or a LOST one whose late stop
     * has not come yet. Only the run's own token gets one; each call gives a fresh key.
     */
    public Upload grantUpload(RunId id, Token token) {
        SimulationUploads.authorize(store, id, token, "upload a log");
        Instant now = now();
        LogUpload upload = LogUpload.next(id, now, random);
        return new Upload(upload, links.upload(upload, UPLOAD_VALIDITY), now.plus(UPLOAD_VALIDITY));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
