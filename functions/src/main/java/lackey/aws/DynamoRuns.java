package lackey.aws;

import java.time.Clock;
import lackey.run.RunCatalog;
import lackey.run.RunLifecycle;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/**
 * The composition root of the functions that reach DynamoDB alone: heartbeats, reading a run, listing runs. Their
 * packages carry no other client. The lifecycle's other ports are {@link NotReached}: a heartbeat publishes nothing
 * and stores no log.
 */
public final class DynamoRuns {

    private DynamoRuns() {
    }

    /** The lifecycle of heartbeats and reads: configuration and credentials from the environment Lambda sets. */
    public static RunLifecycle fromEnvironment() {
        return lifecycle(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** A lifecycle whose store and ids are DynamoDB's, and nothing else. */
    public static RunLifecycle lifecycle(Config config, AwsCredentialsProvider credentials) {
        var dynamo = DynamoDbClients.lazy(config, credentials);
        NotReached none = NotReached.by(DynamoRuns.class);
        return new RunLifecycle(new DynamoRunStore(dynamo, config.table()), new DynamoRunIds(dynamo, config.table()), none, none,
                Clock.systemUTC());
    }

    /** What the listing function uses: configuration and credentials from the environment Lambda sets. */
    public static RunCatalog catalogFromEnvironment() {
        return catalog(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Listing reads only DynamoDB's indexes: the one client it needs is built on first use. */
    public static RunCatalog catalog(Config config, AwsCredentialsProvider credentials) {
        return new DynamoRunCatalog(DynamoDbClients.lazy(config, credentials), config.table());
    }
}
