package lackey.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import lackey.run.ExchangeFiles;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Exchange files in the runs bucket. Links are presigned locally and act with the signing function's
 * permissions, so its policy bounds what a link can reach (PutObject on exchange/*&#47;in/*, GetObject on
 * exchange/*). Listing is ListObjectsV2, every page. One PUT takes up to 5 GB, so a 1 GB file needs no multipart.
 */
public final class S3ExchangeFiles implements ExchangeFiles {

    private final Supplier<S3Presigner> presigner;
    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3ExchangeFiles(Supplier<S3Presigner> presigner, Supplier<S3Client> s3, String bucket) {
        this.presigner = presigner;
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public URI upload(String key, Duration validFor) {
        // No content type is signed: any client may PUT with any (curl -T sends none).
        return uri(presigner.get().presignPutObject(request -> request.signatureDuration(validFor)
                .putObjectRequest(put -> put.bucket(bucket).key(key))).url());
    }

    @Override
    public URI download(String key, Duration validFor) {
        return uri(presigner.get().presignGetObject(request -> request.signatureDuration(validFor)
                .getObjectRequest(get -> get.bucket(bucket).key(key))).url());
    }

    /**
     * HeadObject. Without s3:ListBucket (which would let the function list the whole bucket) S3 answers a
     * missing key with 403 rather than 404; the caller may read the keys it asks about, so both mean "not there".
     */
    @Override
    public boolean exists(String key) {
        try {
            ServiceFailures.run("S3 HeadObject", () -> s3.get().headObject(head -> head.bucket(bucket).key(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 403) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<StoredFile> list(String prefix) {
        List<StoredFile> files = new ArrayList<>();
        // the paginator calls S3 as it is iterated, so the whole iteration is the call
        ServiceFailures.run("S3 ListObjectsV2", () -> {
            for (S3Object object : s3.get().listObjectsV2Paginator(list -> list.bucket(bucket).prefix(prefix)).contents()) {
                files.add(new StoredFile(object.key(), object.size(), object.lastModified()));
            }
        });
        return files;
    }

    private static URI uri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a URL that is not a URI: " + e.getMessage(), e);
        }
    }
}
