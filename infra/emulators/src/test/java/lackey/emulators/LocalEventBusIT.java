package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

class LocalEventBusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DISPATCH_PATTERN =
            "{\"source\":[\"lackey\"],\"detail-type\":[\"Run Scheduled\"],\"detail\":{\"dispatch\":[true]}}";

    private LocalEventBus bus;
    private EventBridgeClient events;

    @BeforeEach
    void startBus() {
        bus = LocalEventBus.start(0, "us-east-1", "123456789012");
        events = EventBridgeClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(bus.endpoint())
                .build();
    }

    @AfterEach
    void stopBus() {
        events.close();
        bus.close();
    }

    @Test
    void deliversOnlyTheMatchingEventToTheRuleTarget() throws Exception {
        BlockingQueue<String> dispatched = new LinkedBlockingQueue<>();
        bus.addRule("lackey", "DispatchRunRule", DISPATCH_PATTERN, dispatched::add);

        PutEventsResponse response = events.putEvents(r -> r.entries(
                entry("lackey", "Run Scheduled", "{\"id\":1,\"name\":\"sim\",\"dispatch\":true,\"x\":301.80}"),
                entry("lackey", "Run Scheduled", "{\"id\":2,\"name\":\"tracked\",\"dispatch\":false}")));

        assertEquals(0, response.failedEntryCount());
        String firstId = response.entries().get(0).eventId();
        assertNotNull(firstId);
        assertNotNull(response.entries().get(1).eventId());

        String delivered = dispatched.poll(5, TimeUnit.SECONDS);
        assertNotNull(delivered, "the matching event reaches the rule's target");
        assertTrue(bus.awaitDeliveries(Duration.ofSeconds(5)));
        assertNull(dispatched.poll(), "the event with dispatch=false matches no rule");

        JsonNode event = JSON.readTree(delivered);
        List<String> fields = new ArrayList<>();
        event.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"), fields);
        assertEquals("0", event.get("version").asText());
        assertEquals(firstId, event.get("id").asText(), "the delivered event carries the EventId PutEvents returned");
        assertEquals("Run Scheduled", event.get("detail-type").asText());
        assertEquals("lackey", event.get("source").asText());
        assertEquals("123456789012", event.get("account").asText());
        assertEquals("us-east-1", event.get("region").asText());
        assertTrue(event.get("time").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"), event.get("time").asText());
        assertTrue(event.get("resources").isArray() && event.get("resources").isEmpty());
        assertTrue(event.get("detail").isObject(), "detail is delivered as an object, not a string");
        assertEquals(1, event.get("detail").get("id").asInt());
        assertTrue(delivered.contains("\"x\":301.80"), "numbers in detail arrive as written: " + delivered);

        assertEquals(2, bus.events().size(), "every accepted event is recorded, matched or not");
        assertEquals(delivered, bus.events().get(0));
    }

    @Test
    void refusesInvalidEntriesOneByOneAndAcceptsTheRest() throws Exception {
        PutEventsResponse response = events.putEvents(r -> r.entries(
                entry("lackey", "Run Started", "{\"id\":1}"),
                PutEventsRequestEntry.builder().eventBusName("lackey").detailType("Run Started").detail("{\"id\":1}").build(),
                entry("lackey", "Run Started", "[1,2]"),
                entry("lackey", "Run Started", "{not json"),
                PutEventsRequestEntry.builder().eventBusName("lackey").source("lackey").detailType("Run Started").build(),
                entry("aws.ec2", "Run Started", "{}")));

        assertEquals(5, response.failedEntryCount());
        List<PutEventsResultEntry> results = response.entries();
        assertNotNull(results.get(0).eventId());
        assertNull(results.get(0).errorCode());
        assertEquals("InvalidArgument", results.get(1).errorCode());
        assertTrue(results.get(1).errorMessage().contains("Source"), results.get(1).errorMessage());
        assertNull(results.get(1).eventId());
        assertEquals("MalformedDetail", results.get(2).errorCode(), "Detail must be a JSON object");
        assertEquals("MalformedDetail", results.get(3).errorCode());
        assertEquals("InvalidArgument", results.get(4).errorCode());
        assertTrue(results.get(4).errorMessage().contains("Detail"), results.get(4).errorMessage());
        assertEquals("NotAuthorizedForSourceException", results.get(5).errorCode());
        assertEquals(1, bus.events().size());
    }

    @Test
    void failsAsManyEntriesAsInjectedWithInternalFailure() {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        bus.addRule("lackey", "All", "{\"source\":[\"lackey\"]}", received::add);
        bus.failNextEntries(2);

        PutEventsResponse first = events.putEvents(r -> r.entries(
                entry("lackey", "Run Stopped", "{\"id\":1}"),
                entry("lackey", "Run Stopped", "{\"id\":2}"),
                entry("lackey", "Run Stopped", "{\"id\":3}")));
        assertEquals(2, first.failedEntryCount());
        assertEquals("InternalFailure", first.entries().get(0).errorCode());
        assertEquals("InternalFailure", first.entries().get(1).errorCode());
        assertNotNull(first.entries().get(2).eventId());

        PutEventsResponse retry = events.putEvents(r -> r.entries(
                entry("lackey", "Run Stopped", "{\"id\":1}"),
                entry("lackey", "Run Stopped", "{\"id\":2}")));
        assertEquals(0, retry.failedEntryCount(), "the injected failures are used up");
        assertEquals(3, bus.events().size());
    }

    @Test
    void refusesMoreThanTenEntriesAsAWholeWithValidationException() {
        List<PutEventsRequestEntry> eleven = IntStream.rangeClosed(1, 11)
                .mapToObj(i -> entry("lackey", "Run Scheduled", "{\"id\":" + i + "}"))
                .toList();

        EventBridgeException refused = assertThrows(EventBridgeException.class, () -> events.putEvents(r -> r.entries(eleven)));
        assertEquals(400, refused.statusCode());
        assertEquals("ValidationException", refused.awsErrorDetails().errorCode());
        assertTrue(refused.awsErrorDetails().errorMessage().contains("10"), refused.awsErrorDetails().errorMessage());
        assertTrue(bus.events().isEmpty(), "a refused request accepts none of its entries");
    }

    @Test
    void refusesARequestOverTheSizeLimit() {
        String big = "{\"log\":\"" + "x".repeat(LocalEventBus.MAX_REQUEST_SIZE_BYTES) + "\"}";
        EventBridgeException refused = assertThrows(EventBridgeException.class,
                () -> events.putEvents(r -> r.entries(entry("lackey", "Run Stopped", big))));
        assertEquals("ValidationException", refused.awsErrorDetails().errorCode());
    }

    @Test
    void entriesWithoutABusNameGoToTheDefaultBusAndArnsNameTheirBus() throws Exception {
        BlockingQueue<String> onDefault = new LinkedBlockingQueue<>();
        BlockingQueue<String> onLackey = new LinkedBlockingQueue<>();
        bus.addRule(LocalEventBus.DEFAULT_BUS, "Anything", "{\"source\":[\"lackey\"]}", onDefault::add);
        bus.addRule("lackey", "Anything", "{\"source\":[\"lackey\"]}", onLackey::add);

        PutEventsResponse response = events.putEvents(r -> r.entries(
                PutEventsRequestEntry.builder().source("lackey").detailType("Run Started").detail("{\"id\":1}").build(),
                PutEventsRequestEntry.builder().eventBusName("arn:aws:events:us-east-1:123456789012:event-bus/lackey")
                        .source("lackey").detailType("Run Started").detail("{\"id\":2}")
                        .time(Instant.parse("2024-05-01T10:15:30.750Z")).resources("arn:aws:ecs:task/1").build()));

        assertEquals(0, response.failedEntryCount());
        assertTrue(bus.awaitDeliveries(Duration.ofSeconds(5)));
        assertEquals(1, onDefault.size());
        assertEquals(1, JSON.readTree(onDefault.take()).get("detail").get("id").asInt());
        assertEquals(1, onLackey.size());
        JsonNode viaArn = JSON.readTree(onLackey.take());
        assertEquals(2, viaArn.get("detail").get("id").asInt());
        assertEquals("2024-05-01T10:15:30Z", viaArn.get("time").asText(), "Time from the entry, to the second");
        assertEquals("arn:aws:ecs:task/1", viaArn.get("resources").get(0).asText());
    }

    @Test
    void aFailingTargetAffectsNeitherPutEventsNorOtherTargets() throws Exception {
        List<String> healthy = Collections.synchronizedList(new ArrayList<>());
        bus.addRule("lackey", "Broken", "{\"source\":[\"lackey\"]}", event -> {
            throw new IllegalStateException("target failure on purpose (expected in this test's output)");
        });
        bus.addRule("lackey", "Healthy", "{\"source\":[\"lackey\"]}", healthy::add);

        PutEventsResponse response = events.putEvents(r -> r.entries(entry("lackey", "Run Started", "{\"id\":1}")));

        assertEquals(0, response.failedEntryCount());
        assertTrue(bus.awaitDeliveries(Duration.ofSeconds(5)));
        assertEquals(1, healthy.size());
    }

    @Test
    void rejectsAnInvalidPatternAndASecondPatternForTheSameRule() {
        assertThrows(IllegalArgumentException.class, () -> bus.addRule("lackey", "Bad", "{\"source\":", event -> { }));
        bus.addRule("lackey", "Rule", "{\"source\":[\"lackey\"]}", event -> { });
        assertThrows(IllegalArgumentException.class, () -> bus.addRule("lackey", "Rule", "{\"source\":[\"other\"]}", event -> { }));
    }

    @Test
    void answersOtherOperationsWithAnError() {
        EventBridgeException refused = assertThrows(EventBridgeException.class, () -> events.listRules(r -> r.eventBusName("lackey")));
        assertEquals(400, refused.statusCode());
        assertEquals("UnknownOperationException", refused.awsErrorDetails().errorCode());
    }

    @Test
    void refusesAPortThatIsTakenNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, EmulatorProcess.LOOPBACK)) {
            int port = taken.getLocalPort();
            PortInUseException e = assertThrows(PortInUseException.class, () -> LocalEventBus.start(port, "us-east-1", "123456789012"));
            assertEquals("port " + port + " on 127.0.0.1 is already in use", e.getMessage());
        }
    }

    private static PutEventsRequestEntry entry(String source, String detailType, String detail) {
        return PutEventsRequestEntry.builder().eventBusName("lackey").source(source).detailType(detailType).detail(detail).build();
    }
}
