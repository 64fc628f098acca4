package lackey.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the S3 client and the presigner of log and exchange links, each on first use; in a class of its own, as
 * {@link DynamoDbClients} says why. The presigner signs locally and takes its endpoint from the SDK's settings too.
 */
final class S3Clients {

    private S3Clients() {
    }

    static Supplier<S3Client> lazy(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> S3Client.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.S3.httpClient())
                .overrideConfiguration(CallBudget.S3.overrides())
                .build());
    }

    static Supplier<S3Presigner> presigner(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> S3Presigner.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .build());
    }
}
