package lackey.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import lackey.run.RunBatchStore;
import lackey.run.RunId;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes and removes a sweep's runs with BatchWriteItem: 25 requests a call (its limit), a few calls side by
 * side, every {@code UnprocessedItems} sent again with exponential backoff. Items are exactly those
 * {@link DynamoRunStore#create} writes ({@link RunItems#item}), so listing, deadlines and transitions work
 * for sweep runs as for any other. Never throws for a refusal: it reports, run by run, what was done.
 */
public final class DynamoRunBatches implements RunBatchStore {

    /** BatchWriteItem's limit of put or delete requests per call. */
    static final int BATCH = 25;
    /**
     * Calls in flight at once. 10,000 runs are 400 calls: at 4 side by side and ~10 ms a call in a region
     * that is about a second. Four also stays within the JDK's keep-alive cache (5 connections per host),
     * so the UrlConnection client reuses its connections instead of opening new ones.
     */
    static final int PARALLEL_CALLS = 4;
    /** Calls per batch before giving up on what is still unprocessed: backoff of 25 ms doubling, at most 1 s. */
    static final int ATTEMPTS = 8;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(1);

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public DynamoRunBatches(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Written createAll(List<NewRun> runs) {
        var requests = new ArrayList<WriteRequest>(runs.size());
        for (NewRun run : runs) {
            requests.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(RunItems.item(run.run(), run.tokenHash())).build())
                    .build());
        }
        Outcome outcome = writeAll(requests);
        if (!outcome.refused().isEmpty() || !outcome.unknown().isEmpty()) {
            FunctionLog.warn((outcome.refused().size() + outcome.unknown().size()) + " of " + runs.size()
                    + " runs not written (" + outcome.lastError() + ")");
        }
        return new Written(outcome.done(), outcome.refused());
    }

    @Override
    public Set<RunId> deleteAll(Collection<RunId> ids) {
        var requests = new ArrayList<WriteRequest>(ids.size());
        for (RunId id : ids) {
            requests.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(RunItems.key(id)).build()).build());
        }
        Outcome outcome = writeAll(requests);
        var left = new HashSet<>(outcome.refused());
        left.addAll(outcome.unknown());
        if (!left.isEmpty()) {
            FunctionLog.warn(left.size() + " of " + ids.size() + " runs not removed (" + outcome.lastError() + ")");
        }
        return left;
    }

    /**
     * What became of a set of write requests: done; refused (still unprocessed when the attempts ran out, so
     * surely not applied); unknown (a call failed without an answer, so each may or may not have been applied).
     */
    private record Outcome(Set<RunId> done, Set<RunId> refused, Set<RunId> unknown, String lastError) {
    }

    /** Sends the requests 25 a call, up to {@value #PARALLEL_CALLS} calls at a time. */
    private Outcome writeAll(List<WriteRequest> requests) {
        var batches = new ArrayList<List<WriteRequest>>();
        for (int start = 0; start < requests.size(); start += BATCH) {
            batches.add(requests.subList(start, Math.min(start + BATCH, requests.size())));
        }
        var done = new HashSet<RunId>();
        var refused = new HashSet<RunId>();
        var unknown = new HashSet<RunId>();
        String lastError = "";
        for (Outcome outcome : inParallel(batches, this::writeBatch)) {
            done.addAll(outcome.done());
            refused.addAll(outcome.refused());
            unknown.addAll(outcome.unknown());
            lastError = outcome.lastError().isEmpty() ? lastError : outcome.lastError();
        }
        return new Outcome(done, refused, unknown, lastError);
    }

    /** One batch: sends it, then what came back unprocessed, until all is done or the attempts run out. */
    private Outcome writeBatch(List<WriteRequest> batch) {
        List<WriteRequest> pending = batch;
        var done = new HashSet<RunId>();
        boolean uncertain = false; // a call failed without an answer: pending requests may have been applied
        String lastError = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Map<String, List<WriteRequest>> request = Map.of(table, pending);
            try {
                var response = dynamo.get().batchWriteItem(write -> write.requestItems(request));
                List<WriteRequest> unprocessed = response.hasUnprocessedItems()
                        ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                Set<RunId> left = ids(unprocessed);
                for (WriteRequest sent : pending) {
                    if (!left.contains(id(sent))) {
                        done.add(id(sent));
                    }
                }
                pending = unprocessed;
                if (pending.isEmpty()) {
                    return new Outcome(done, Set.of(), Set.of(), lastError);
                }
                lastError = pending.size() + " unprocessed items";
            } catch (RuntimeException e) { // SdkException, or an interceptor's: the batch's fate is unknown
                uncertain = true;
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (attempt < ATTEMPTS) {
                pause(attempt);
            }
        }
        Set<RunId> left = ids(pending);
        return uncertain ? new Outcome(done, Set.of(), left, lastError) : new Outcome(done, left, Set.of(), lastError);
    }

    /** Runs the task on every batch, a few at a time; a single batch runs on the caller's thread. */
    private static <T> List<T> inParallel(List<List<WriteRequest>> batches, Function<List<WriteRequest>, T> task) {
        if (batches.size() <= 1) {
            return batches.stream().map(task).toList();
        }
        try (ExecutorService calls = Executors.newFixedThreadPool(Math.min(PARALLEL_CALLS, batches.size()))) {
            var futures = new ArrayList<Future<T>>();
            for (List<WriteRequest> batch : batches) {
                futures.add(calls.submit(() -> task.apply(batch)));
            }
            var results = new ArrayList<T>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a batch write failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a batch", e);
        }
    }

    private static Set<RunId> ids(List<WriteRequest> requests) {
        var ids = new HashSet<RunId>();
        requests.forEach(request -> ids.add(id(request)));
        return ids;
    }

    private static RunId id(WriteRequest request) {
        var key = request.putRequest() != null ? request.putRequest().item() : request.deleteRequest().key();
        return new RunId(Long.parseLong(key.get(RunItems.ID).n()));
    }

    /** Exponential backoff, as DynamoDB asks for unprocessed items: 25 ms, 50 ms, … at most 1 s. */
    private static void pause(int attempt) {
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 10));
        try {
            Thread.sleep(backoff.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
