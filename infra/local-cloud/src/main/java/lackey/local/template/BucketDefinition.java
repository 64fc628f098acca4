package lackey.local.template;

/**
 * An {@code AWS::S3::Bucket} of template.yaml with its local name.
 *
 * @param logicalId  the logical id
 * @param bucketName the local bucket name
 * @param eventBridge whether the bucket sends its object events to EventBridge
 *                    ({@code NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled})
 */
public record BucketDefinition(String logicalId, String bucketName, boolean eventBridge) {

    /** A bucket that sends no events. */
    public BucketDefinition(String logicalId, String bucketName) {
        this(logicalId, bucketName, false);
    }
}
