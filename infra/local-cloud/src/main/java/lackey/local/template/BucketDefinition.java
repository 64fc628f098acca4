package lackey.local.template;

/**
 * An {@code AWS::S3::Bucket} of template.yaml with its local name.
 *
 * @param logicalId  the logical id
 * @param bucketName the local bucket name
 */
public record BucketDefinition(String logicalId, String bucketName) {
}
