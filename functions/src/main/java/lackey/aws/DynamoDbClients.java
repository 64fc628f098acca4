package lackey.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the DynamoDB client, on first use, with its call budget. Each service's client is built in a class of its
 * own, which names no other service: a function's package carries the SDK clients its handler's classes name
 * (infra/lambda-packages scans them), so a class that built two clients would make every function carry both.
 */
final class DynamoDbClients {

    private DynamoDbClients() {
    }

    static Supplier<DynamoDbClient> lazy(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> DynamoDbClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.DYNAMODB.httpClient())
                .overrideConfiguration(CallBudget.DYNAMODB.overrides())
                .build());
    }
}
