package lackey.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Local only: where a run's exchange folder ({@code LACKEY_EXCHANGE}, {@code s3://<bucket>/exchange/<id>/})
 * lies on disk. S3Proxy's filesystem backend keeps bucket {@code b}'s key {@code k} at
 * {@code <s3 root>/b/k}, so a local simulation can read its inputs and write its outputs as plain files,
 * and they are listed and downloaded through S3 like uploaded ones. There is no such folder on AWS.
 */
final class LocalExchange {

    /** The variable the local ECS adds beside {@code LACKEY_EXCHANGE}. */
    static final String DIR_VARIABLE = "LACKEY_EXCHANGE_DIR";

    private LocalExchange() {
    }

    /** The folder of {@code exchange} under {@code s3Root}; empty for anything not an {@code s3://bucket/key/} URL. */
    static Optional<Path> folder(Path s3Root, String exchange) {
        if (exchange == null || !exchange.startsWith("s3://")) {
            return Optional.empty();
        }
        String rest = exchange.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        Path root = s3Root.toAbsolutePath().normalize();
        Path folder = root.resolve(bucket).resolve(key).normalize();
        // the id comes from an event: never let a crafted one point the simulation outside the bucket
        if (!folder.startsWith(root.resolve(bucket)) || key.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(folder);
    }
}
