package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.run.Run;
import lackey.run.RunEvent;
import lackey.run.RunId;
import lackey.run.RunSpec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import org.junit.jupiter.api.Test;

/**
 * Many events against the local bus, which keeps PutEvents' limits (10 entries, 256 KB a call): they go out
 * in as few calls as the limits allow, and refused entries are sent again until they are taken.
 */
class PutEventsBatchesIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final EventBridgeClient EVENT_BRIDGE = EventBridgeClient.builder().region(LocalAws.REGION)
            .credentialsProvider(AWS.credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();

    private final EventBridgeRunEvents events = new EventBridgeRunEvents(() -> EVENT_BRIDGE, LocalAws.BUS);

    private static List<RunEvent> scheduled(int count) {
        var list = new ArrayList<RunEvent>();
        for (int i = 0; i < count; i++) {
            var spec = new RunSpec("batch", Optional.empty(), Map.of(), List.of());
            list.add(new RunEvent.Scheduled(Run.scheduled(new RunId(900_000 + i), spec, Instant.now()), Optional.empty()));
        }
        return list;
    }

    private static long putEventsCalls() {
        return RequestCounter.operations().stream().filter("EventBridge.PutEvents"::equals).count();
    }

    @Test
    void twentyFiveSmallEventsAreThreeCalls() {
        RequestCounter.reset();
        assertEquals(List.of(), events.publishAll(scheduled(25)));
        assertEquals(3, putEventsCalls(), "10 + 10 + 5");
    }

    @Test
    void largeEventsAreSplitBeforeACallWouldPass256Kilobytes() {
        // 16,000 characters of params, carried twice by each detail (params and paramsJson): about 32 KB an event
        var params = new java.util.LinkedHashMap<String, Object>();
        for (int i = 0; i < 4; i++) {
            params.put("p" + i, "x".repeat(4000));
        }
        var big = new RunSpec("batch", Optional.empty(), params, List.of());
        var ten = new ArrayList<RunEvent>();
        for (int i = 0; i < 10; i++) {
            ten.add(new RunEvent.Scheduled(Run.scheduled(new RunId(910_000 + i), big, Instant.now()), Optional.empty()));
        }
        int detailBytes = EventBridgeRunEvents.detail(ten.getLast()).length();
        assertTrue(10L * detailBytes > 256 * 1024, "ten in one call would pass the limit: " + detailBytes + " bytes each");

        RequestCounter.reset();
        assertEquals(List.of(), events.publishAll(ten), "the bus refused nothing: no call was over its limit");
        assertEquals(2, putEventsCalls(), "one call of ten would have been refused whole");
    }

    @Test
    void refusedEntriesAreSentAgainUntilTaken() {
        RequestCounter.reset();
        AWS.refuseNextEntries(3);
        assertEquals(List.of(), events.publishAll(scheduled(10)));
        assertEquals(2, putEventsCalls(), "the batch, then its 3 refused entries");
    }
}
