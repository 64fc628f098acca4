package lackey.peer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The schedule function as most users would write it, for the cold-start benchmark to hold lackey against: a typed
 * handler on aws-lambda-java-events, fed by the runtime's POJO serialisation, its SDK clients built in the constructor
 * with the SDK's defaults (the default HTTP client, Apache 5 in SDK 2.57.8; region, credentials and endpoints from the
 * environment), doing the writes lackey's schedule does: an id from the counter item, the run's item, a
 * "Run Scheduled" event.
 */
public final class PeerScheduleHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DynamoDbClient dynamo = DynamoDbClient.create();
    private final EventBridgeClient events = EventBridgeClient.create();
    private final String table = System.getenv("LACKEY_TABLE");
    private final String bus = System.getenv("LACKEY_BUS");

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String body = event.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8) : event.getBody();
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        String name = form.getOrDefault("name", "run");
        long id = Long.parseLong(dynamo.updateItem(update -> update.tableName(table)
                .key(Map.of("id", AttributeValue.fromN("0")))
                .updateExpression("ADD lastId :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes().get("lastId").n()) + 1_000_000;
        String token = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromN(Long.toString(id)));
        item.put("name", AttributeValue.fromS(name));
        item.put("status", AttributeValue.fromS("SCHEDULED"));
        item.put("tokenHash", AttributeValue.fromS(sha256(token)));
        item.put("scheduledAt", AttributeValue.fromS(now));
        if (form.containsKey("command")) {
            item.put("command", AttributeValue.fromS(form.get("command")));
        }
        dynamo.putItem(put -> put.tableName(table).item(item).conditionExpression("attribute_not_exists(id)"));
        String detail = "{\"id\":" + id + ",\"name\":\"" + name.replace("\"", "\\\"") + "\",\"token\":\"" + token + "\"}";
        events.putEvents(put -> put.entries(entry -> entry.eventBusName(bus).source("lackey")
                .detailType("Run Scheduled").detail(detail)));
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(201)
                .withHeaders(Map.of("content-type", "application/json", "location", "/api/run/" + id))
                .withBody("{\"id\":" + id + ",\"name\":\"" + name.replace("\"", "\\\"") + "\",\"status\":\"SCHEDULED\",\"token\":\""
                        + token + "\"}")
                .build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
