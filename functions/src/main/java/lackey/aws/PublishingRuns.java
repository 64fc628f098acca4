package lackey.aws;

import java.time.Clock;
import java.util.function.Supplier;
import lackey.run.LaunchRetries;
import lackey.run.ParameterSweeps;
import lackey.run.RecordLaunchFailure;
import lackey.run.RecordOutput;
import lackey.run.RunLifecycle;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The composition root of the functions that change runs in DynamoDB and publish to EventBridge, and never touch S3:
 * start, cancel, the sweeper, sweeps, recorded outputs and failed launches. Their packages carry those two clients.
 */
public final class PublishingRuns {

    private PublishingRuns() {
    }

    /** The lifecycle without logs: configuration and credentials from the environment Lambda sets. */
    public static RunLifecycle fromEnvironment() {
        return lifecycle(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** A lifecycle on DynamoDB and EventBridge; storing a log is {@link NotReached} (only a stop does). */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials) {
        Supplier<DynamoDbClient> dynamo = DynamoDbClients.lazy(config, credentials);
        return new RunLifecycle(new DynamoRunStore(dynamo, config.table()), new DynamoRunIds(dynamo, config.table()),
                NotReached.by(PublishingRuns.class), new EventBridgeRunEvents(EventBridgeClients.lazy(config, credentials), config.bus()),
                Clock.systemUTC());
    }

    /** What the sweep function uses: configuration and credentials from the environment Lambda sets. */
    public static ParameterSweeps sweepsFromEnvironment() {
        return sweeps(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Sweeps write DynamoDB in batches and publish in batches; they never touch S3. */
    public static ParameterSweeps sweeps(Config config, AwsCredentialsProvider credentials) {
        Supplier<DynamoDbClient> dynamo = DynamoDbClients.lazy(config, credentials);
        Supplier<EventBridgeClient> eventBridge = EventBridgeClients.lazy(config, credentials);
        return new ParameterSweeps(new DynamoRunIds(dynamo, config.table()), new DynamoRunBatches(dynamo, config.table()),
                new DynamoRunStore(dynamo, config.table()), new EventBridgeRunEvents(eventBridge, config.bus()),
                Clock.systemUTC());
    }

    /** What the output recorder uses: configuration and credentials from the environment Lambda sets. */
    public static RecordOutput outputsFromEnvironment() {
        return outputs(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /**
     * Recording an output writes the run's item and publishes, then dispatches the runs waiting for it (one
     * Query of their index); it never touches S3.
     */
    public static RecordOutput outputs(Config config, AwsCredentialsProvider credentials) {
        RunLifecycle runs = lifecycle(config, credentials);
        return new RecordOutput(new DynamoOutputStore(DynamoDbClients.lazy(config, credentials), config.table()),
                new EventBridgeOutputEvents(EventBridgeClients.lazy(config, credentials), config.bus()), Clock.systemUTC(),
                runs::dispatchWaiting);
    }

    /** What the launch-failure function uses: configuration, retries and credentials from the environment Lambda sets. */
    public static RecordLaunchFailure launchFailuresFromEnvironment() {
        return launchFailures(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create(),
                Config.launchRetries(System.getenv()));
    }

    /** A failed launch is one conditional write on the run (a read only when it changes nothing) and one event. */
    public static RecordLaunchFailure launchFailures(Config config, AwsCredentialsProvider credentials, LaunchRetries retries) {
        return new RecordLaunchFailure(new DynamoRunStore(DynamoDbClients.lazy(config, credentials), config.table()),
                new EventBridgeRunEvents(EventBridgeClients.lazy(config, credentials), config.bus()), retries, Clock.systemUTC());
    }
}
