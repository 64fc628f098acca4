package lackey.aws;

import java.util.Map;
import java.util.function.Supplier;
import lackey.run.RunId;
import lackey.run.RunIds;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Short integer ids from an atomic counter item (id 0 of the runs table). Each container reserves a
 * block of {@value #BLOCK} ids with one {@code ADD} that returns the new value, so ids need no read, and
 * the counter item sees one write per {@value #BLOCK} runs: 1,000 runs/s is 100 writes/s on it, far below
 * a partition's 1,000. The price is gaps when a container retires with ids left in its block.
 */
public final class DynamoRunIds implements RunIds {

    static final int BLOCK = 10;
    private static final Map<String, AttributeValue> COUNTER_KEY = Map.of(RunItems.ID, AttributeValue.fromN("0"));

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private long next = 1;
    private long last = 0;

    public DynamoRunIds(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public synchronized RunId next() {
        if (next > last) {
            last = reserveBlock();
            next = last - BLOCK + 1;
        }
        return new RunId(next++);
    }

    /** A sweep's ids, apart from this container's block: one {@code ADD} of {@code count}, whatever the count. */
    @Override
    public RunId reserve(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("reserve at least one id, not " + count);
        }
        return new RunId(add(count) - count + 1);
    }

    private long reserveBlock() {
        return add(BLOCK);
    }

    /** Adds to the counter and returns its new value, the last id reserved. */
    private long add(int count) {
        var response = ServiceFailures.call("DynamoDB UpdateItem", () -> dynamo.get().updateItem(request -> request.tableName(table)
                .key(COUNTER_KEY)
                .updateExpression("ADD lastId :block")
                .expressionAttributeValues(Map.of(":block", AttributeValue.fromN(Integer.toString(count))))
                .returnValues(ReturnValue.UPDATED_NEW)));
        return Long.parseLong(response.attributes().get("lastId").n());
    }
}
