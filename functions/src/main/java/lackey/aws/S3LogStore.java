package lackey.aws;

import java.util.function.Supplier;
import java.nio.charset.StandardCharsets;
import lackey.run.LogRef;
import lackey.run.LogStore;
import lackey.run.RunId;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Run logs in S3 as UTF-8 text under {@code logs/{id}/{attempt}.log}. */
public final class S3LogStore implements LogStore {

    static final String PREFIX = "logs/";

    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3LogStore(Supplier<S3Client> s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public LogRef put(RunId id, String attempt, String log) {
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        String key = PREFIX + id + "/" + attempt + ".log";
        s3.get().putObject(put -> put.bucket(bucket).key(key).contentType("text/plain; charset=utf-8"),
                RequestBody.fromBytes(bytes));
        return new LogRef("s3://" + bucket + "/" + key, bytes.length);
    }

    @Override
    public void discard(LogRef log) {
        String prefix = "s3://" + bucket + "/";
        if (!log.location().startsWith(prefix)) {
            return;
        }
        try {
            s3.get().deleteObject(delete -> delete.bucket(bucket).key(log.location().substring(prefix.length())));
        } catch (SdkException e) {
            // The run is unaffected; an orphaned log of a refused stop only costs storage.
            System.err.println("lackey: could not remove the log of a refused stop at " + log.location() + ": " + e.getMessage());
        }
    }
}
