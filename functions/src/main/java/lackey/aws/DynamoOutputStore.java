package lackey.aws;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import lackey.run.OutputFile;
import lackey.run.OutputStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Outputs on the run's item: one conditional UpdateItem adds the name to the string set {@code outputs},
 * counts it in {@code outputCount} and sets {@code lastOutputAt}. The condition refuses a name already
 * there, so a redelivered event or an overwritten file never counts twice; only then does a read tell an
 * unknown run from a known output.
 */
public final class DynamoOutputStore implements OutputStore {

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public DynamoOutputStore(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean record(OutputFile output, Instant at) {
        try {
            ServiceFailures.run("DynamoDB UpdateItem", () -> dynamo.get().updateItem(request -> request.tableName(table)
                    .key(RunItems.key(output.run()))
                    .updateExpression("ADD #outputs :name, #count :one SET #last = :at")
                    .conditionExpression("attribute_exists(#id) AND NOT contains(#outputs, :nameText)")
                    .expressionAttributeNames(Map.of("#id", RunItems.ID, "#outputs", RunItems.OUTPUTS,
                            "#count", RunItems.OUTPUT_COUNT, "#last", RunItems.LAST_OUTPUT_AT))
                    .expressionAttributeValues(Map.of(
                            ":name", AttributeValue.fromSs(java.util.List.of(output.name())),
                            ":nameText", AttributeValue.fromS(output.name()),
                            ":one", AttributeValue.fromN("1"),
                            ":at", AttributeValue.fromS(at.toString())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            var item = ServiceFailures.call("DynamoDB GetItem", () -> dynamo.get().getItem(get -> get.tableName(table)
                    .key(RunItems.key(output.run()))
                    .projectionExpression("#id").expressionAttributeNames(Map.of("#id", RunItems.ID))
                    .consistentRead(true)).item());
            return item != null && !item.isEmpty();
        }
    }
}
