package lackey.local.template;

import java.util.List;
import lackey.emulators.S3ProxyServer;

/**
 * An {@code AWS::S3::Bucket} of template.yaml with its local name.
 *
 * @param logicalId  the logical id
 * @param bucketName the local bucket name
 * @param eventBridge whether the bucket sends its object events to EventBridge
 *                    ({@code NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled})
 * @param corsRules  its {@code CorsConfiguration.CorsRules}: which cross-origin requests browsers may make
 */
public record BucketDefinition(String logicalId, String bucketName, boolean eventBridge,
                               List<S3ProxyServer.CorsRule> corsRules) {

    public BucketDefinition {
        corsRules = List.copyOf(corsRules);
    }

    /** A bucket without CORS rules. */
    public BucketDefinition(String logicalId, String bucketName, boolean eventBridge) {
        this(logicalId, bucketName, eventBridge, List.of());
    }

    /** A bucket that sends no events. */
    public BucketDefinition(String logicalId, String bucketName) {
        this(logicalId, bucketName, false);
    }
}
