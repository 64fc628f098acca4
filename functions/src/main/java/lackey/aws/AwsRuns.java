package lackey.aws;

import java.time.Clock;
import java.util.function.Supplier;
import lackey.run.RunLifecycle;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The composition root: builds the SDK clients once per container and wires the run lifecycle to
 * DynamoDB, S3 and EventBridge. Region and credentials are explicit (no provider-chain probing on a cold
 * start); endpoints come from the SDK's standard settings, so the same code talks to AWS or an emulator.
 */
public final class AwsRuns {

    private AwsRuns() {
    }

    /** What a Lambda container uses: configuration and credentials from the environment Lambda sets. */
    public static RunLifecycle fromEnvironment() {
        return lifecycle(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Each client is built on first use: a function pays only for the services it calls. */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials) {
        Supplier<DynamoDbClient> dynamo = new Lazy<>(() -> DynamoDbClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
        Supplier<S3Client> s3 = new Lazy<>(() -> S3Client.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
        Supplier<EventBridgeClient> eventBridge = new Lazy<>(() -> EventBridgeClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
        return new RunLifecycle(
                new DynamoRunStore(dynamo, config.table()),
                new DynamoRunIds(dynamo, config.table()),
                new S3LogStore(s3, config.bucket()),
                new EventBridgeRunEvents(eventBridge, config.bus()),
                Clock.systemUTC());
    }
}
