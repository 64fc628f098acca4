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
        return links(run, ExchangeFolder.Side.IN, names);
    }

    /**
     * Upload links for more inputs of a run that exists and has not ended ({@code POST /api/run/{id}/inputs}).
     * The names follow the rules of scheduling and are checked before the run is read.
     */
    public List<Upload> inputUploads(RunId run, List<String> requested) {
        List<String> names = requireSome(ExchangeFolder.names(ExchangeFolder.Side.IN, requested), "inputs");
        Run found = store.find(run).map(RunStore.StoredRun::run).orElseThrow(() -> new RunNotFound(run));
        if (found.status().isFinal()) {
            throw new WrongState(run, found.status(), "take inputs");
        }
        return links(run, ExchangeFolder.Side.IN, names);
    }

    /**
     * Upload links for outputs, for the simulation of a RUNNING run with its token ({@code POST
     * /api/run/output-upload/{id}}): the rule of log uploads. What lands under {@code out/} is recorded as an
     * output by the bucket's object events, as for any other writer.
     */
    public List<Upload> outputUploads(RunId run, Token token, List<String> requested) {
        List<String> names = requireSome(ExchangeFolder.names(ExchangeFolder.Side.OUT, requested), "names");
        SimulationUploads.authorize(store, run, token, "upload outputs");
        return links(run, ExchangeFolder.Side.OUT, names);
    }

    private List<Upload> links(RunId run, ExchangeFolder.Side side, List<String> names) {
        Instant expiresAt = now().plus(UPLOAD_VALIDITY);
        List<Upload> uploads = new ArrayList<>(names.size());
        for (String name : names) {
            uploads.add(new Upload(name, files.upload(ExchangeFolder.key(run, side, name), UPLOAD_VALIDITY), expiresAt));
        }
        return List.copyOf(uploads);
    }

    private static List<String> requireSome(List<String> names, String field) {
        if (names.isEmpty()) {
            throw new InvalidInput(field + " must name at least one file");
        }
        return names;
    }

    /** Whether {@code output} is already in its run's exchange folder. */
    public boolean landed(OutputFile output) {
        return files.exists(output.key());
    }

    /** The run's inputs and outputs as they are now; the run must exist. */
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
