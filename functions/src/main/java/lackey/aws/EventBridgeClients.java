package lackey.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Builds the EventBridge client, on first use, with its call budget; in a class of its own, as {@link DynamoDbClients} says why. */
final class EventBridgeClients {

    private EventBridgeClients() {
    }

    static Supplier<EventBridgeClient> lazy(Config config, AwsCredentialsProvider credentials) {
        return new Lazy<>(() -> EventBridgeClient.builder()
                .region(config.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(CallBudget.EVENTBRIDGE.httpClient())
                .overrideConfiguration(CallBudget.EVENTBRIDGE.overrides())
                .build());
    }
}
