package lackey.aws;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import lackey.run.RunEvent;
import lackey.run.Unavailable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes many run events with PutEvents: at most 10 entries and 256 KB a call (EventBridge's limits, the
 * size counted as EventBridge counts it), a few calls side by side. A call can succeed yet refuse some entries
 * ({@code FailedEntryCount}); only those are sent again, with backoff, as {@link EventBridgeRunEvents} does
 * for one event; a call that fails as a whole (after the SDK's own retries) is not sent again.
 */
final class PutEventsBatches {

    /** PutEvents' limit of entries per call. */
    static final int MAX_ENTRIES = 10;
    /** PutEvents' limit on the total size of a call's entries. */
    static final int MAX_BYTES = 256 * 1024;
    /**
     * Calls in flight at once: 10,000 events are 1,000 calls. Five stays within the JDK's keep-alive cache
     * (5 connections per host), so the UrlConnection client reuses its connections.
     */
    static final int PARALLEL_CALLS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

    private final Supplier<EventBridgeClient> eventBridge;
    private final String bus;

    PutEventsBatches(Supplier<EventBridgeClient> eventBridge, String bus) {
        this.eventBridge = eventBridge;
        this.bus = bus;
    }

    private record Entry(RunEvent event, PutEventsRequestEntry request, int bytes) {
    }

    /** @return the events still refused after {@link EventBridgeRunEvents#ATTEMPTS} attempts, in the order given */
    List<RunEvent> publish(List<RunEvent> events) {
        List<List<Entry>> batches = batches(events);
        List<List<Entry>> refused;
        if (batches.size() <= 1) {
            refused = batches.stream().map(this::send).toList();
        } else {
            refused = new ArrayList<>();
            try (ExecutorService calls = Executors.newFixedThreadPool(Math.min(PARALLEL_CALLS, batches.size()))) {
                var futures = new ArrayList<Future<List<Entry>>>();
                for (List<Entry> batch : batches) {
                    futures.add(calls.submit(() -> send(batch)));
                }
                for (Future<List<Entry>> future : futures) {
                    refused.add(future.get());
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("publishing a batch failed unexpectedly", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing events", e);
            }
        }
        var unpublished = new ArrayList<RunEvent>();
        refused.forEach(batch -> batch.forEach(entry -> unpublished.add(entry.event())));
        if (!unpublished.isEmpty()) {
            // The details are not logged: a "Run Scheduled" detail may carry the token.
            FunctionLog.warn(unpublished.size() + " of " + events.size() + " events not published after "
                    + EventBridgeRunEvents.ATTEMPTS + " attempts");
        }
        return unpublished;
    }

    /** Groups the events in order, closing a batch at 10 entries or before it would pass 256 KB. */
    private List<List<Entry>> batches(List<RunEvent> events) {
        var batches = new ArrayList<List<Entry>>();
        var batch = new ArrayList<Entry>();
        int bytes = 0;
        for (RunEvent event : events) {
            Entry entry = entry(event);
            if (!batch.isEmpty() && (batch.size() == MAX_ENTRIES || bytes + entry.bytes() > MAX_BYTES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(entry);
            bytes += entry.bytes();
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private Entry entry(RunEvent event) {
        String detail = EventBridgeRunEvents.detail(event);
        var request = PutEventsRequestEntry.builder()
                .eventBusName(bus)
                .source(EventBridgeRunEvents.SOURCE)
                .detailType(event.detailType())
                .detail(detail)
                .build();
        // EventBridge's own count: Source, DetailType and Detail as UTF-8 (no Time, no Resources here).
        int bytes = utf8(EventBridgeRunEvents.SOURCE) + utf8(event.detailType()) + utf8(detail);
        return new Entry(event, request, bytes);
    }

    /** Sends one batch, then whatever entries it refused, until none is left or the attempts run out. */
    private List<Entry> send(List<Entry> batch) {
        List<Entry> pending = batch;
        for (int attempt = 1; attempt <= EventBridgeRunEvents.ATTEMPTS; attempt++) {
            List<Entry> sent = pending;
            try {
                PutEventsResponse response = eventBridge.get()
                        .putEvents(put -> put.entries(sent.stream().map(Entry::request).toList()));
                if (response.failedEntryCount() == 0) {
                    return List.of();
                }
                // Result entries match request entries by position; a refused one has an error code.
                var refused = new ArrayList<Entry>();
                for (int i = 0; i < sent.size(); i++) {
                    if (response.entries().get(i).errorCode() != null) {
                        refused.add(sent.get(i));
                    }
                }
                if (refused.isEmpty()) {
                    return List.of();
                }
                pending = refused;
            } catch (SdkException | Unavailable e) {
                return sent; // the whole call failed after the SDK's own retries: not again here
            }
            if (attempt < EventBridgeRunEvents.ATTEMPTS) {
                pause(FIRST_BACKOFF.multipliedBy(1L << (attempt - 1)));
            }
        }
        return pending;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
