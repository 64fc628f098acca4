package lackey.aws;

import java.time.Clock;
import lackey.run.RunExchange;
import lackey.run.RunLogs;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/**
 * The composition root of the functions that read a run from DynamoDB and sign or list its files in S3: log links,
 * log uploads, the exchange's links and listing. They publish nothing; their packages carry those two clients.
 */
public final class RunFiles {

    private RunFiles() {
    }

    /** What the log functions use: configuration and credentials from the environment Lambda sets. */
    public static RunLogs logsFromEnvironment() {
        return logs(Config.fromEnv(System.getenv()), EnvironmentVariableCredentialsProvider.create());
    }

    /** Log links read the run from DynamoDB and sign S3 URLs; the presigner, like a client, is built on first use. */
    public static RunLogs logs(Config config, AwsCredentialsProvider credentials) {
        return new RunLogs(new DynamoRunStore(DynamoDbClients.lazy(config, credentials), config.table()),
                new S3LogLinks(S3Clients.presigner(config, credentials), config.bucket()), Clock.systemUTC());
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
        return new RunExchange(new DynamoRunStore(DynamoDbClients.lazy(config, credentials), config.table()),
                new S3ExchangeFiles(S3Clients.presigner(config, credentials), S3Clients.lazy(config, credentials), config.bucket()),
                Clock.systemUTC());
    }
}
