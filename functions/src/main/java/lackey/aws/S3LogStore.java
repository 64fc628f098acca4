package lackey.aws;

import java.util.function.Supplier;
import java.util.Optional;
import lackey.run.LogRef;
import lackey.run.LogStore;
import lackey.run.LogUpload;
import lackey.run.RunId;
import lackey.run.Unavailable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Run logs in S3 under {@code logs/{id}/{attempt}.log}, the bytes as the stop sent them; the object's type says
 * whether they are UTF-8 text ({@link S3LogLinks#TEXT}) or not ({@link S3LogLinks#BYTES}).
 */
public final class S3LogStore implements LogStore {

    static final String PREFIX = "logs/";

    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3LogStore(Supplier<S3Client> s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public LogRef put(RunId id, String attempt, byte[] bytes, boolean utf8) {
        String key = PREFIX + id + "/" + attempt + ".log";
        ServiceFailures.run("S3 PutObject", () -> s3.get().putObject(
                put -> put.bucket(bucket).key(key).contentType(utf8 ? S3LogLinks.TEXT : S3LogLinks.BYTES),
                RequestBody.fromBytes(bytes)));
        return new LogRef("s3://" + bucket + "/" + key, bytes.length, java.util.Optional.empty(), utf8);
    }

    @Override
    public void discard(LogRef log) {
        String prefix = "s3://" + bucket + "/";
        if (!log.location().startsWith(prefix)) {
            return;
        }
        try {
            s3.get().deleteObject(delete -> delete.bucket(bucket).key(log.location().substring(prefix.length())));
        } catch (SdkException | Unavailable e) {
            // The run is unaffected; an orphaned log of a refused or repeated stop only costs storage.
            FunctionLog.warn("could not remove the log of a refused or repeated stop at " + log.location() + ": " + e.getMessage());
        }
    }

    /**
     * HeadObject on the upload's key: its size, or empty when nothing is there. S3 answers 404 for a missing
     * key only to a caller allowed to list the key's prefix (template.yaml grants StopRunFunction that);
     * anything else, a 403 included, is a failure, not an absence.
     */
    @Override
    public Optional<LogRef> uploaded(LogUpload upload) {
        String key = upload.reference();
        try {
            long bytes = ServiceFailures.call("S3 HeadObject", () -> s3.get().headObject(head -> head.bucket(bucket).key(key)))
                    .contentLength();
            return Optional.of(new LogRef("s3://" + bucket + "/" + key, bytes));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
