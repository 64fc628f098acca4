package lackey.aws;

import java.time.Clock;
import java.util.function.Supplier;
import lackey.run.RunLifecycle;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root of the whole run lifecycle, wired to DynamoDB, S3 and EventBridge: what a stop needs (its log
 * goes to S3, its event to EventBridge). Functions that reach fewer services are wired by {@link DynamoRuns},
 * {@link PublishingRuns} or {@link RunFiles}, so that their packages carry fewer clients. Region and credentials are
 * explicit (no provider-chain probing on a cold start); endpoints come from the SDK's standard settings, so the same
 * code talks to AWS or an emulator.
 */
public final class AwsRuns {

    private AwsRuns() {
    }

    /** What a Lambda container uses: configuration and credentials from the environment Lambda sets. */
    public static RunLifecycle fromEnvironment() {
        return lifecycle(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Each client is built on first use: a call pays only for the services it calls. */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials) {
        return lifecycle(config, credentials, Clock.systemUTC());
    }

    /** The same wiring on another clock: tests move time instead of waiting for it. */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials, Clock clock) {
        Supplier<DynamoDbClient> dynamo = DynamoDbClients.lazy(config, credentials);
        return new RunLifecycle(
                new DynamoRunStore(dynamo, config.table()),
                new DynamoRunIds(dynamo, config.table()),
                new S3LogStore(S3Clients.lazy(config, credentials), config.bucket()),
                new EventBridgeRunEvents(EventBridgeClients.lazy(config, credentials), config.bus()),
                clock);
    }
}
