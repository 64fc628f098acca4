package lackey.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.function.Supplier;
import lackey.run.LogLinks;
import lackey.run.LogRef;
import lackey.run.LogUpload;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned S3 URLs for run logs. Signing is local (no request to S3), and a URL acts with the signing
 * function's permissions, so its policy bounds what the URL can reach: GetObject / PutObject on logs/*.
 */
public final class S3LogLinks implements LogLinks {

    /**
     * The type a log known to be UTF-8 is served as: browsers show it. The link signs the type it asks S3 to serve,
     * whatever type the object has, so an upload's own content type (which nobody checked) never reaches a browser.
     */
    static final String TEXT = "text/plain; charset=utf-8";
    /** Every other log: bytes lackey has not read (an upload) or that are not UTF-8. No charset is claimed for them. */
    static final String BYTES = "application/octet-stream";

    private final Supplier<S3Presigner> presigner;
    private final String bucket;

    public S3LogLinks(Supplier<S3Presigner> presigner, String bucket) {
        this.presigner = presigner;
        this.bucket = bucket;
    }

    @Override
    public URI download(LogRef log, Duration validFor) {
        String prefix = "s3://" + bucket + "/";
        if (!log.location().startsWith(prefix)) {
            throw new IllegalStateException("log " + log.location() + " is not in the bucket " + bucket);
        }
        String key = log.location().substring(prefix.length());
        var presigned = presigner.get().presignGetObject(request -> request.signatureDuration(validFor)
                .getObjectRequest(get -> get.bucket(bucket).key(key).responseContentType(log.utf8() ? TEXT : BYTES)));
        return uri(presigned.url());
    }

    @Override
    public URI upload(LogUpload upload, Duration validFor) {
        // No content type is signed: the simulation may PUT with any (curl -T sends none).
        var presigned = presigner.get().presignPutObject(request -> request.signatureDuration(validFor)
                .putObjectRequest(put -> put.bucket(bucket).key(upload.reference())));
        return uri(presigned.url());
    }

    private static URI uri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a URL that is not a URI: " + e.getMessage(), e);
        }
    }
}
