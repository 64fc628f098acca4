package lackey.aws;

import static lackey.aws.RunItems.number;
import static lackey.aws.RunItems.text;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import lackey.run.ClientTime;
import lackey.run.LogRef;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunStatus;
import lackey.run.RunStore;
import lackey.run.StopReport;
import lackey.run.TokenHash;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Runs in DynamoDB, one item per run. Every transition is a single conditional UpdateItem that returns
 * the new item, so concurrent or replayed calls cannot both win and the success path never reads.
 */
public final class DynamoRunStore implements RunStore {

    private static final Map<String, String> STATUS_NAME = Map.of("#status", RunItems.STATUS);

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public DynamoRunStore(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(Run run, TokenHash tokenHash) {
        try {
            dynamo.get().putItem(put -> put.tableName(table)
                    .item(RunItems.item(run, tokenHash))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", RunItems.ID)));
        } catch (ConditionalCheckFailedException e) {
            // Ids come from an atomic counter, so this means the counter item was reset by hand.
            throw new IllegalStateException("run id " + run.id() + " is already taken: was the id counter reset?", e);
        }
    }

    @Override
    public Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":runningShard", text(RunItems.statusShard(RunStatus.RUNNING, id)));
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(started.epochSeconds()));
        values.put(":now", text(receivedAt.toString()));
        return transition(id,
                "SET #status = :running, " + RunItems.STATUS_SHARD + " = :runningShard, " + RunItems.STARTED_TS + " = :ts, " + RunItems.STARTED_AT + " = :now",
                "#status = :scheduled AND " + RunItems.TOKEN_HASH + " = :hash",
                values);
    }

    @Override
    public Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                     StopReport report, Optional<LogRef> log) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":end", text(report.status().name()));
        values.put(":endShard", text(RunItems.statusShard(report.status(), id)));
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(stopped.epochSeconds()));
        values.put(":now", text(receivedAt.toString()));
        var update = new StringBuilder("SET #status = :end, " + RunItems.STATUS_SHARD + " = :endShard, " + RunItems.STOPPED_TS + " = :ts, "
                + RunItems.STOPPED_AT + " = :now");
        report.exitCode().ifPresent(code -> {
            update.append(", ").append(RunItems.EXIT_CODE).append(" = :exit");
            values.put(":exit", number(code));
        });
        log.ifPresent(ref -> {
            update.append(", ").append(RunItems.LOG_LOCATION).append(" = :log, ")
                    .append(RunItems.LOG_BYTES).append(" = :bytes");
            values.put(":log", text(ref.location()));
            values.put(":bytes", number(ref.bytes()));
        });
        return transition(id, update.toString(),
                "#status = :running AND " + RunItems.TOKEN_HASH + " = :hash AND " + RunItems.STARTED_TS + " <= :ts",
                values);
    }

    @Override
    public Optional<StoredRun> find(RunId id) {
        var item = dynamo.get().getItem(get -> get.tableName(table).key(RunItems.key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RunItems.stored(item));
    }

    private Optional<Run> transition(RunId id, String update, String condition, Map<String, AttributeValue> values) {
        try {
            var response = dynamo.get().updateItem(request -> request.tableName(table)
                    .key(RunItems.key(id))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(STATUS_NAME)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(RunItems.run(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }
}
