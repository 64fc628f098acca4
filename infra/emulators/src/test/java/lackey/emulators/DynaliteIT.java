package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class DynaliteIT {

    private static final String TABLE = "runs";

    @Test
    void storesItemsAndRefusesAFailedConditionalUpdate() {
        try (Dynalite dynalite = Dynalite.start(null, 0); DynamoDbClient dynamo = client(dynalite.endpoint())) {
            assertTrue(dynalite.dataDir().isEmpty());
            createTable(dynamo);
            assertEquals(TableStatus.ACTIVE, dynamo.describeTable(r -> r.tableName(TABLE)).table().tableStatus(),
                    "--createTableMs 0 makes tables usable at once");

            dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("id", number(1), "state", text("SCHEDULED"))));
            Map<String, AttributeValue> stored = dynamo.getItem(r -> r.tableName(TABLE).key(Map.of("id", number(1)))).item();
            assertEquals("SCHEDULED", stored.get("state").s());

            ConditionalCheckFailedException refused = assertThrows(ConditionalCheckFailedException.class,
                    () -> dynamo.updateItem(r -> r.tableName(TABLE)
                            .key(Map.of("id", number(1)))
                            .updateExpression("SET #state = :new")
                            .conditionExpression("#state = :expected")
                            .expressionAttributeNames(Map.of("#state", "state"))
                            .expressionAttributeValues(Map.of(":new", text("FINISHED"), ":expected", text("RUNNING")))));
            assertEquals(400, refused.statusCode());
            Map<String, AttributeValue> after = dynamo.getItem(r -> r.tableName(TABLE).key(Map.of("id", number(1)))).item();
            assertEquals("SCHEDULED", after.get("state").s(), "a failed condition must leave the item alone");

            dynamo.updateItem(r -> r.tableName(TABLE)
                    .key(Map.of("id", number(1)))
                    .updateExpression("SET #state = :new")
                    .conditionExpression("#state = :expected")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":new", text("RUNNING"), ":expected", text("SCHEDULED"))));
            assertEquals("RUNNING", dynamo.getItem(r -> r.tableName(TABLE).key(Map.of("id", number(1)))).item().get("state").s());
        }
    }

    @Test
    void keepsDataAcrossARestartWithTheSamePath(@TempDir Path dir) {
        Path data = dir.resolve("dynamodb");
        try (Dynalite first = Dynalite.start(data, 0); DynamoDbClient dynamo = client(first.endpoint())) {
            createTable(dynamo);
            dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("id", number(7), "name", text("kept"))));
        }
        assertTrue(Files.isDirectory(data));
        try (Dynalite second = Dynalite.start(data, 0); DynamoDbClient dynamo = client(second.endpoint())) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(TABLE).key(Map.of("id", number(7)))).item();
            assertEquals("kept", item.get("name").s());
        }
    }

    @Test
    void refusesAPortThatIsTakenNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, EmulatorProcess.LOOPBACK)) {
            int port = taken.getLocalPort();
            PortInUseException e = assertThrows(PortInUseException.class, () -> Dynalite.start(null, port));
            assertEquals(port, e.port());
            assertTrue(e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
        }
    }

    @Test
    void closeStopsTheProcessAndFreesThePort() {
        Dynalite dynalite = Dynalite.start(null, 0);
        int port = dynalite.port();
        assertTrue(EmulatorProcess.answers(port));
        dynalite.close();
        assertFalse(EmulatorProcess.answers(port), "nothing may listen on " + port + " after close()");
        assertFalse(Files.exists(dynalite.logFile()), "a clean close removes the scratch log");
    }

    private static void createTable(DynamoDbClient dynamo) {
        dynamo.createTable(r -> r.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.N))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static AttributeValue text(String s) {
        return AttributeValue.fromS(s);
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .build();
    }
}
