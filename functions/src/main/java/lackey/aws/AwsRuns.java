package lackey.aws;

import java.time.Clock;
import java.time.Duration;
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
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
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

    /**
     * How long a function waits for one AWS service, and how often it tries: chosen on purpose, because the
     * SDK's defaults (no deadline for a call, 30 s of silence before a read gives up) could keep a function past
     * its own end. The budget: API Gateway's HTTP API waits at most 30 s for a function, and template.yaml gives
     * each HTTP function 20 s ({@code Globals.Function.Timeout}); a function that Lambda stops leaves the client
     * a bare 500 that says nothing. So every call has a deadline ({@code call}) short enough that a function whose
     * service is down answers 503 itself, within seconds: the longest chain of calls an HTTP function makes (a stop
     * with its log: PutObject, UpdateItem, PutEvents) ends within 6 + 5 + 4 = 15 s even if each call used its
     * whole deadline. Each attempt has a shorter deadline ({@code attempt}, also the socket's read timeout), so one
     * stuck connection costs an attempt, not the call. Three attempts, with the SDK's standard strategy
     * (exponential backoff with jitter, a longer one after throttling, and a retry quota that stops retrying while
     * most calls fail), ride out a dropped connection or a throttled second. A simulation's curl (hello.sh sets no
     * limit; docs/retries.md suggests {@code --max-time 30 --retry 5}) thus always gets an answer: 503 with
     * {@code Retry-After} while a service is down, which {@code curl --retry} waits for and sends again.
     *
     * @param connect  TCP connect to the regional endpoint: milliseconds when it is there, so a second means it is not
     * @param attempt  one attempt, its answer included
     * @param call     the whole call: every attempt and every backoff
     * @param attempts how many times a call is sent at most
     */
    record CallBudget(Duration connect, Duration attempt, Duration call, int attempts) {

        /**
         * Single-item reads and conditional writes answer in milliseconds; an attempt may also carry a whole 1 MB
         * page of a listing's Query, or a batch of 25 writes of a sweep.
         */
        static final CallBudget DYNAMODB = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), 3);
        /** An inline log is up to 8 MiB: 3 s an attempt is 3 MB/s, far below what a function gets from S3. */
        static final CallBudget S3 = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(6), 3);
        /**
         * PutEvents of up to 10 entries, 256 KB; the entries it refuses are sent again by the publishers themselves.
         * Its answers take longer than DynamoDB's now and then, and an attempt given up too early may have been
         * taken all the same: its retry is then a second event.
         */
        static final CallBudget EVENTBRIDGE = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), 3);
        /** StopTask, from an EventBridge target: a failure fails the invocation, and EventBridge retries it. */
        static final CallBudget ECS = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), 3);

        UrlConnectionHttpClient.Builder httpClient() {
            return UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(attempt);
        }

        ClientOverrideConfiguration overrides() {
            return ClientOverrideConfiguration.builder()
                    .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build())
                    .apiCallAttemptTimeout(attempt)
                    .apiCallTimeout(call)
                    .build();
        }
    }
}
