package lackey.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lackey.run.Run;
import lackey.run.Token;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes runs straight into the runs table, 25 to a BatchWriteItem, in exactly the item shape the API
 * writes (listing keys included): for seeding benchmarks and tests, or importing history. Each run gets
 * a fresh token that nobody holds, so an imported run cannot be started or stopped through the API.
 * Existing items with the same ids are overwritten.
 */
public final class RunImport {

    /** BatchWriteItem's limit. */
    static final int BATCH = 25;
    private static final int MAX_ATTEMPTS = 12;

    private RunImport() {
    }

    /** Writes every run, retrying unprocessed items with backoff; fails naming how many were not written. */
    public static void write(DynamoDbClient dynamo, String table, List<Run> runs) {
        for (int start = 0; start < runs.size(); start += BATCH) {
            List<WriteRequest> batch = new ArrayList<>();
            for (Run run : runs.subList(start, Math.min(start + BATCH, runs.size()))) {
                batch.add(WriteRequest.builder()
                        .putRequest(PutRequest.builder().item(RunItems.item(run, Token.generate().hash())).build())
                        .build());
            }
            writeAll(dynamo, table, batch);
        }
    }

    private static void writeAll(DynamoDbClient dynamo, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<String, List<WriteRequest>> request = pending;
            Map<String, List<WriteRequest>> unprocessed = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
            if (unprocessed == null || unprocessed.values().stream().allMatch(List::isEmpty)) {
                return;
            }
            pending = unprocessed;
            pause(Math.min(1_000L, 10L << attempt)); // exponential backoff, as DynamoDB asks for unprocessed items
        }
        int left = pending.values().stream().mapToInt(List::size).sum();
        throw new IllegalStateException(left + " runs were still unprocessed after " + MAX_ATTEMPTS + " BatchWriteItem attempts");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing runs", e);
        }
    }
}
