package lackey.aws;

import static lackey.aws.RunItems.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import lackey.run.Run;
import lackey.run.RunCatalog;
import lackey.run.RunCursor;
import lackey.run.RunPage;
import lackey.run.RunQuery;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Lists runs with Query on the table's two listing indexes, never a Scan: {@value #BY_TIME} (every run)
 * or, given a status, {@value #BY_STATUS} (runs in that status). Each index spreads runs over
 * {@link RunItems#LIST_SHARDS} partitions, so a page is one Query per partition, newest first and bounded by
 * the cursor and the time window in the key condition, merged by {@link ShardMerge}. A name prefix and a tag
 * are filter expressions: they cut what is returned, not what is read, so reading stops at {@value #READ_BUDGET}
 * items per request and the page then ends early with a cursor.
 */
public final class DynamoRunCatalog implements RunCatalog {

    static final String BY_TIME = "RunsByTime";
    static final String BY_STATUS = "RunsByStatus";
    /** Items read per request at most (about 5 MB of runs); a page that needs more ends early with a cursor. */
    static final int READ_BUDGET = 10_000;

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private final int readBudget;

    public DynamoRunCatalog(Supplier<DynamoDbClient> dynamo, String table) {
        this(dynamo, table, READ_BUDGET);
    }

    DynamoRunCatalog(Supplier<DynamoDbClient> dynamo, String table, int readBudget) {
        this.dynamo = dynamo;
        this.table = table;
        this.readBudget = readBudget;
    }

    @Override
    public RunPage list(RunQuery query) {
        if (query.windowIsEmpty()) {
            return new RunPage(List.of(), Optional.empty());
        }
        QueryRequest request = request(query);
        List<IndexShard> shards = IntStream.range(0, RunItems.LIST_SHARDS)
                .mapToObj(shard -> new IndexShard(request, text(query.status()
                        .map(status -> RunItems.statusShard(status, shard))
                        .orElseGet(() -> RunItems.listShard(shard)))))
                .toList();
        var merge = new ShardMerge<Map<String, AttributeValue>>(item -> item.get(RunItems.LIST_ORDER).s(),
                query.filtersBeyondKeys(), readBudget);
        // One run more than the page: if it exists, there is a next page.
        ShardMerge.Result<Map<String, AttributeValue>> found = merge.take(shards, query.limit() + 1);
        List<Run> runs = found.taken().stream().map(RunItems::run).toList();
        return found.stoppedAt()
                .map(stoppedAt -> new RunPage(runs, Optional.of(RunItems.listPlace(stoppedAt))))
                .orElseGet(() -> RunPage.of(runs, query.limit()));
    }

    /** The query of every shard but its partition key, page size and start. */
    private QueryRequest request(RunQuery query) {
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        names.put("#shard", query.status().isPresent() ? RunItems.STATUS_SHARD : RunItems.LIST_SHARD);
        String key = "#shard = :shard";
        Optional<RunCursor> before = query.before();
        Optional<RunCursor> notBefore = query.notBefore();
        if (before.isPresent() && notBefore.isPresent()) {
            // A key condition has one comparison on the sort key: "< before" becomes "<= the place just below it".
            key += " AND #order BETWEEN :notBefore AND :last";
            values.put(":notBefore", text(RunItems.listOrder(notBefore.get())));
            values.put(":last", text(RunItems.listOrder(justBelow(before.get()))));
        } else if (before.isPresent()) {
            key += " AND #order < :before";
            values.put(":before", text(RunItems.listOrder(before.get())));
        } else if (notBefore.isPresent()) {
            key += " AND #order >= :notBefore";
            values.put(":notBefore", text(RunItems.listOrder(notBefore.get())));
        }
        if (before.isPresent() || notBefore.isPresent()) {
            names.put("#order", RunItems.LIST_ORDER); // DynamoDB refuses names that no expression uses
        }
        List<String> filters = new ArrayList<>();
        query.namePrefix().ifPresent(prefix -> {
            filters.add("begins_with(#name, :prefix)");
            names.put("#name", RunItems.NAME);
            values.put(":prefix", text(prefix));
        });
        query.tag().ifPresent(tag -> {
            // contains() on a list is true when an element equals the value: an exact tag, not a substring.
            filters.add("contains(#tags, :tag)");
            names.put("#tags", RunItems.TAGS);
            values.put(":tag", text(tag));
        });
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(table)
                .indexName(query.status().isPresent() ? BY_STATUS : BY_TIME)
                .keyConditionExpression(key)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(false);
        if (!filters.isEmpty()) {
            request.filterExpression(String.join(" AND ", filters));
        }
        return request.build();
    }

    private static RunCursor justBelow(RunCursor place) {
        return place.id() > 0
                ? new RunCursor(place.scheduledAtMillis(), place.id() - 1)
                : new RunCursor(place.scheduledAtMillis() - 1, RunCursor.MAX_ID);
    }

    /** One partition of the index, read newest first from where its last page stopped. */
    private final class IndexShard implements ShardMerge.Shard<Map<String, AttributeValue>> {
        private final QueryRequest request;
        private Map<String, AttributeValue> startKey;

        IndexShard(QueryRequest common, AttributeValue partition) {
            var values = new HashMap<>(common.expressionAttributeValues());
            values.put(":shard", partition);
            this.request = common.toBuilder().expressionAttributeValues(values).build();
        }

        @Override
        public ShardMerge.Page<Map<String, AttributeValue>> next(int limit) {
            QueryRequest.Builder page = request.toBuilder().limit(limit);
            if (startKey != null) {
                page.exclusiveStartKey(startKey);
            }
            QueryResponse response = ServiceFailures.call("DynamoDB Query", () -> dynamo.get().query(page.build()));
            // Only an absent LastEvaluatedKey means the partition has nothing more; the SDK gives an empty map then.
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            Optional<String> lastOrder = Optional.ofNullable(startKey).map(key -> key.get(RunItems.LIST_ORDER).s());
            int evaluated = response.scannedCount() == null ? response.items().size() : response.scannedCount();
            return new ShardMerge.Page<>(response.items(), lastOrder, evaluated);
        }
    }
}
