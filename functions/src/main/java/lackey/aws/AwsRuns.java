package lackey.aws;

import java.time.Clock;
import java.util.function.Supplier;
import lackey.run.LaunchRetries;
import lackey.run.ParameterSweeps;
import lackey.run.RecordLaunchFailure;
import lackey.run.RecordOutput;
import lackey.run.RunCatalog;
import lackey.run.RunExchange;
import lackey.run.RunLifecycle;
import lackey.run.RunLogs;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

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
        return lifecycle(config, credentials, Clock.systemUTC());
    }

    /** The same wiring on another clock: tests move time instead of waiting for it. */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials, Clock clock) {
        Supplier<DynamoDbClient> dynamo = dynamo(config, credentials);
        Supplier<S3Client> s3 = s3(config, credentials);
        Supplier<EventBridgeClient> eventBridge = eventBridge(config, credentials);
        return new RunLifecycle(
                new DynamoRunStore(dynamo, config.table()),
                new DynamoRunIds(dynamo, config.table()),
                new S3LogStore(s3, config.bucket()),
                new EventBridgeRunEvents(eventBridge, config.bus()),
                clock);
    }

    /** What the listing function uses: configuration and credentials from the environment Lambda sets. */
    public static RunCatalog catalogFromEnvironment() {
        return catalog(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Listing reads only DynamoDB's indexes: the one client it needs is built on first use. */
    public static RunCatalog catalog(Config config, AwsCredentialsProvider credentials) {
        return new DynamoRunCatalog(dynamo(config, credentials), config.table());
    }

    /** What the log functions use: configuration and credentials from the environment Lambda sets. */
    public static RunLogs logsFromEnvironment() {
        return logs(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /**
     * Log links read the run from DynamoDB and sign S3 URLs. The presigner, like a client, is built once, on
     * first use; it signs locally and takes its endpoint from the SDK's standard settings too.
     */
    public static RunLogs logs(Config config, AwsCredentialsProvider credentials) {
        return new RunLogs(new DynamoRunStore(dynamo(config, credentials), config.table()),
                new S3LogLinks(presigner(config, credentials), config.bucket()), Clock.systemUTC());
    }

    /** What the exchange functions use: configuration and credentials from the environment Lambda sets. */
    public static RunExchange exchangeFromEnvironment() {
        return exchange(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /**
     * Exchange files: links signed by the same presigner as log links, a listing with an S3 client, a run read
     * from DynamoDB. Each is built on first use: scheduling with inputs only signs, it never calls S3.
     */
    public static RunExchange exchange(Config config, AwsCredentialsProvider credentials) {
        Supplier<S3Client> s3 = s3(config, credentials);
        return new RunExchange(new DynamoRunStore(dynamo(config, credentials), config.table()),
                new S3ExchangeFiles(presigner(config, credentials), s3, config.bucket()), Clock.systemUTC());
    }

    /** The presigner of log and exchange links: it signs locally and takes its endpoint from the SDK's settings. */
    private static Supplier<S3Presigner> presigner(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> S3Presigner.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .build());
    }

    /** What the sweep function uses: configuration and credentials from the environment Lambda sets. */
    public static ParameterSweeps sweepsFromEnvironment() {
        return sweeps(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Sweeps write DynamoDB in batches and publish in batches; they never touch S3. */
    public static ParameterSweeps sweeps(Config config, AwsCredentialsProvider credentials) {
        Supplier<DynamoDbClient> dynamo = dynamo(config, credentials);
        Supplier<EventBridgeClient> eventBridge = eventBridge(config, credentials);
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
        Supplier<EventBridgeClient> eventBridge = eventBridge(config, credentials);
        RunLifecycle runs = lifecycle(config, credentials);
        return new RecordOutput(new DynamoOutputStore(dynamo(config, credentials), config.table()),
                new EventBridgeOutputEvents(eventBridge, config.bus()), Clock.systemUTC(), runs::dispatchWaiting);
    }

    /** What the launch-failure function uses: configuration, retries and credentials from the environment Lambda sets. */
    public static RecordLaunchFailure launchFailuresFromEnvironment() {
        return launchFailures(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create(),
                Config.launchRetries(System.getenv()));
    }

    /** A failed launch is one conditional write on the run (a read only when it changes nothing) and one event. */
    public static RecordLaunchFailure launchFailures(Config config, AwsCredentialsProvider credentials, LaunchRetries retries) {
        Supplier<EventBridgeClient> eventBridge = new Lazy<>(() -> EventBridgeClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
        return new RecordLaunchFailure(new DynamoRunStore(dynamo(config, credentials), config.table()),
                new EventBridgeRunEvents(eventBridge, config.bus()), retries, Clock.systemUTC());
    }

    private static Supplier<DynamoDbClient> dynamo(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> DynamoDbClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.DYNAMODB.httpClient())
                .overrideConfiguration(CallBudget.DYNAMODB.overrides())
                .build());
    }

    private static Supplier<S3Client> s3(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> S3Client.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.S3.httpClient())
                .overrideConfiguration(CallBudget.S3.overrides())
                .build());
    }

    private static Supplier<EventBridgeClient> eventBridge(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> EventBridgeClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.EVENTBRIDGE.httpClient())
                .overrideConfiguration(CallBudget.EVENTBRIDGE.overrides())
                .build());
    }
}
