package lackey.run;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's exchange files: upload links for the inputs named when it is scheduled, and the listing of its
 * inputs and outputs with download links. Files never pass through a function; nothing here writes a run.
 */
public final class RunExchange {

    /** As for logs: time to start an upload; S3 checks the signature when a PUT starts. */
    public static final Duration UPLOAD_VALIDITY = Duration.ofHours(1);
    /** Long enough to start a download by hand, short enough that a leaked link soon stops working. */
    public static final Duration DOWNLOAD_VALIDITY = Duration.ofMinutes(15);

    private final RunStore store;
    private final ExchangeFiles files;
    private final Clock clock;

    public RunExchange(RunStore store, ExchangeFiles files, Clock clock) {
        this.store = store;
        this.files = files;
        this.clock = clock;
    }

    /** Where to PUT one input, and until when. */
    public record Upload(String name, URI url, Instant expiresAt) {
    }

    /** A file of the folder with its download link. */
    public record File(String name, long bytes, Instant lastModified, URI url) {
    }

    /** A run's inputs and outputs, and when their links stop working. */
    public record Files(RunId run, List<File> inputs, List<File> outputs, Instant expiresAt) {
    }

    /**
     * Upload links for the inputs of a run just scheduled; {@code names} were checked with
     * {@link ExchangeFolder#names} before the run was (so a bad name costs no run).
     */
    public List<Upload> uploads(RunId run, List<String> names) {
        Instant expiresAt = now().plus(UPLOAD_VALIDITY);
        List<Upload> uploads = new ArrayList<>(names.size());
        for (String name : names) {
            uploads.add(new Upload(name, files.upload(ExchangeFolder.key(run, ExchangeFolder.Side.IN, name), UPLOAD_VALIDITY),
                    expiresAt));
        }
        return List.copyOf(uploads);
    }

    /** The run's inputs and outputs as they are now; the run must exist. */
    /** Whether {@code output} is already in its run's exchange folder. */
    public boolean landed(OutputFile output) {
        return files.exists(output.key());
    }

    public Files files(RunId run) {
        store.find(run).orElseThrow(() -> new RunNotFound(run));
        Instant expiresAt = now().plus(DOWNLOAD_VALIDITY);
        return new Files(run, side(run, ExchangeFolder.Side.IN), side(run, ExchangeFolder.Side.OUT), expiresAt);
    }

    private List<File> side(RunId run, ExchangeFolder.Side side) {
        String prefix = ExchangeFolder.prefix(run, side);
        List<File> listed = new ArrayList<>();
        for (ExchangeFiles.StoredFile stored : files.list(prefix)) {
            String name = stored.key().substring(prefix.length());
            if (name.isEmpty() || name.endsWith("/")) {
                continue; // a folder marker, not a file
            }
            listed.add(new File(name, stored.bytes(), stored.lastModified(), files.download(stored.key(), DOWNLOAD_VALIDITY)));
        }
        return List.copyOf(listed);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
