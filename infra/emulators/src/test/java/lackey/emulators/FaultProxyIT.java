package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lackey.emulators.FaultProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The fault proxy in front of dynalite, S3Proxy and the local bus, seen through the SDK with retries off: each
 * fault reaches the caller as the service's own failure would, and the proxy passes everything else untouched.
 */
class FaultProxyIT {

    @TempDir
    static Path baseDir;

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("fault-test", "fault-test-secret"));
    private static Dynalite dynalite;
    private static S3ProxyServer s3proxy;
    private static LocalEventBus bus;
    private static FaultProxy dynamoProxy;
    private static FaultProxy s3Proxy;
    private static FaultProxy busProxy;
    private static DynamoDbClient dynamo;
    private static S3Client s3;
    private static EventBridgeClient events;
    private static final List<String> delivered = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start(null, 0);
        s3proxy = S3ProxyServer.start(baseDir.resolve("s3"), 0, "fault-test", "fault-test-secret");
        bus = LocalEventBus.start(0, "us-east-1", "000000000000");
        bus.addRule("lackey", "all", "{\"source\":[\"test\"]}", delivered::add);
        dynamoProxy = FaultProxy.start(FaultProxy.Service.DYNAMODB, dynalite.endpoint());
        s3Proxy = FaultProxy.start(FaultProxy.Service.S3, s3proxy.endpoint());
        busProxy = FaultProxy.start(FaultProxy.Service.EVENTBRIDGE, bus.endpoint());
        // one attempt, two seconds (enough on a busy machine): the SDK shows each fault as it comes
        var once = (java.util.function.Consumer<software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder>)
                o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1))
                        .apiCallAttemptTimeout(Duration.ofSeconds(2));
        dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(dynamoProxy.endpoint())
                .overrideConfiguration(once).build();
        s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(s3Proxy.endpoint()).forcePathStyle(true)
                .overrideConfiguration(once).build();
        events = EventBridgeClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(busProxy.endpoint())
                .overrideConfiguration(once).build();
        dynamo.createTable(t -> t.tableName("items").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        s3.createBucket(b -> b.bucket("runs"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {dynamo, s3, events, dynamoProxy, s3Proxy, busProxy, bus, s3proxy, dynalite}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @AfterEach
    void clearFaults() {
        dynamoProxy.clear();
        s3Proxy.clear();
        busProxy.clear();
    }

    private static void put(String id) {
        dynamo.putItem(p -> p.tableName("items").item(Map.of("id", AttributeValue.fromS(id))));
    }

    private static boolean exists(String id) {
        return dynamo.getItem(g -> g.tableName("items").key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true)).hasItem();
    }

    @Test
    void passesRequestsThroughUntouched() {
        put("plain");
        assertTrue(exists("plain"));
        s3.putObject(p -> p.bucket("runs").key("logs/1/a.log"), RequestBody.fromString("asdf 123"));
        assertEquals("asdf 123", s3.getObjectAsBytes(g -> g.bucket("runs").key("logs/1/a.log")).asUtf8String());
        assertEquals(List.of("PutItem", "GetItem"), dynamoProxy.operations().subList(dynamoProxy.operations().size() - 2,
                dynamoProxy.operations().size()));
    }

    @Test
    void keepsPresignedUrlsValidBecauseItForwardsTheHostHeaderAsSigned() throws Exception {
        s3.putObject(p -> p.bucket("runs").key("logs/2/a.log"), RequestBody.fromString("signed"));
        try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .endpointOverride(s3Proxy.endpoint())
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build()) {
            URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(g -> g.bucket("runs").key("logs/2/a.log"))).url().toURI();
            var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("signed", answer.body());
        }
    }

    @Test
    void refusesConnectionsUntilCleared() {
        put("before-refusal");
        dynamoProxy.fail(Fault.refuse());
        var refused = assertThrows(SdkClientException.class, () -> put("refused"));
        assertInstanceOf(ConnectException.class, rootCause(refused), refused.toString());
        dynamoProxy.clear();
        put("after-refusal");
        assertTrue(exists("after-refusal"));
        assertFalse(exists("refused"));
    }

    @Test
    void answersDynamoDbThrottlingAndInternalErrorsAsDynamoDbDoes() {
        dynamoProxy.failNext(1, Fault.throttle(), "PutItem");
        var throttled = assertThrows(ProvisionedThroughputExceededException.class, () -> put("throttled"));
        assertTrue(throttled.isThrottlingException());
        dynamoProxy.failNext(1, Fault.throttle("ThrottlingException"), "PutItem");
        var rate = assertThrows(DynamoDbException.class, () -> put("throttled"));
        assertEquals("ThrottlingException", rate.awsErrorDetails().errorCode());
        assertTrue(rate.isThrottlingException());
        dynamoProxy.failNext(1, Fault.serverError(), "PutItem");
        var internal = assertThrows(DynamoDbException.class, () -> put("throttled"));
        assertEquals(500, internal.statusCode());
        assertEquals("InternalServerError", internal.awsErrorDetails().errorCode());
        assertFalse(exists("throttled"), "none of them was applied");
        put("throttled");
        assertTrue(exists("throttled"), "the next one passes");
    }

    @Test
    void appliesTheWriteAndCutsItsAnswerMidBody() {
        dynamoProxy.failNext(1, Fault.cutMidBody(), "PutItem");
        assertThrows(SdkClientException.class, () -> put("cut"));
        assertTrue(exists("cut"), "the write was applied; only its answer was lost");
    }

    @Test
    void appliesTheWriteAndAnswersAfterTheCallerGaveUp() {
        dynamoProxy.failNext(1, Fault.slow(Duration.ofSeconds(6)), "PutItem");
        long start = System.nanoTime();
        assertThrows(ApiCallAttemptTimeoutException.class, () -> put("slow"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000, "the caller stopped waiting at its timeout");
        assertTrue(exists("slow"));
    }

    @Test
    void answersS3SlowDownAndInternalErrorsAsS3Does() {
        s3Proxy.failNext(1, Fault.throttle(), "PutObject");
        var slowDown = assertThrows(S3Exception.class,
                () -> s3.putObject(p -> p.bucket("runs").key("logs/3/a.log"), RequestBody.fromString("x")));
        assertEquals(503, slowDown.statusCode());
        assertEquals("SlowDown", slowDown.awsErrorDetails().errorCode());
        assertTrue(slowDown.isThrottlingException());
        s3Proxy.failNext(1, Fault.serverError(), "HeadObject");
        var internal = assertThrows(S3Exception.class, () -> s3.headObject(h -> h.bucket("runs").key("logs/3/a.log")));
        assertEquals(500, internal.statusCode());
        s3Proxy.failNext(1, Fault.cutMidBody(), "GetObject");
        s3.putObject(p -> p.bucket("runs").key("logs/3/b.log"), RequestBody.fromString("a longer body to cut in half"));
        assertThrows(SdkClientException.class, () -> s3.getObjectAsBytes(g -> g.bucket("runs").key("logs/3/b.log")));
        assertEquals("a longer body to cut in half", s3.getObjectAsBytes(g -> g.bucket("runs").key("logs/3/b.log")).asUtf8String());
    }

    @Test
    void answersEventBridgeThrottlingAndRefusesEntriesInPart() throws Exception {
        var entry = PutEventsRequestEntry.builder().eventBusName("lackey").source("test").detailType("Test").detail("{}").build();
        busProxy.failNext(1, Fault.throttle(), "PutEvents");
        var throttled = assertThrows(EventBridgeException.class, () -> events.putEvents(p -> p.entries(entry)));
        assertEquals("ThrottlingException", throttled.awsErrorDetails().errorCode());
        assertTrue(throttled.isThrottlingException());

        delivered.clear();
        busProxy.fail(Fault.refuseEntries(3));
        var first = events.putEvents(p -> p.entries(entry, entry));
        assertEquals(2, first.failedEntryCount());
        var second = events.putEvents(p -> p.entries(entry, entry, entry));
        assertEquals(1, second.failedEntryCount(), "one refusal was left");
        assertEquals("InternalFailure", second.entries().get(0).errorCode());
        assertTrue(second.entries().get(1).eventId() != null && second.entries().get(2).eventId() != null);
        assertTrue(bus.awaitDeliveries(Duration.ofSeconds(5)));
        assertEquals(2, delivered.size(), "the entries not refused were delivered");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
