package lackey.aws;

import java.util.function.Supplier;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import lackey.run.RunEvent;
import lackey.run.RunId;
import lackey.run.RunEvents;
import lackey.run.Unavailable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes run events on the lackey bus ({@code source: lackey}). PutEvents can accept a call yet
 * refuse entries ({@code FailedEntryCount}); refused entries are sent again, a few times with backoff,
 * before the caller is told the event did not go out. A call that fails as a whole has been retried by the
 * SDK already, within its deadline, so it is not tried again here: the caller is told at once.
 */
public final class EventBridgeRunEvents implements RunEvents {

    static final String SOURCE = "lackey";
    static final int ATTEMPTS = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

    private final Supplier<EventBridgeClient> eventBridge;
    private final String bus;

    public EventBridgeRunEvents(Supplier<EventBridgeClient> eventBridge, String bus) {
        this.eventBridge = eventBridge;
        this.bus = bus;
    }

    @Override
    public boolean publish(RunEvent event) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(bus)
                .source(SOURCE)
                .detailType(event.detailType())
                .detail(detail(event))
                .build();
        // The detail is not logged: a "Run Scheduled" detail may carry the token.
        return put(eventBridge, entry, event.run().id(), event.detailType());
    }

    /**
     * Sends one entry, again while the bus refuses it; false (and a log line naming the run and {@code detailType})
     * when it never went out.
     */
    static boolean put(Supplier<EventBridgeClient> eventBridge, PutEventsRequestEntry entry, RunId run, String detailType) {
        String lastError = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                var response = eventBridge.get().putEvents(put -> put.entries(entry));
                if (response.failedEntryCount() == 0) {
                    return true;
                }
                PutEventsResultEntry result = response.entries().getFirst();
                lastError = result.errorCode() + ": " + result.errorMessage();
            } catch (SdkException | Unavailable e) {
                // the SDK has already retried the call as far as its budget allows (CallBudget)
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                break;
            }
            if (attempt < ATTEMPTS) {
                pause(FIRST_BACKOFF.multipliedBy(1L << (attempt - 1)));
            }
        }
        FunctionLog.warn(run, "\"" + detailType + "\" not published (" + lastError + ")");
        return false;
    }

    /** Many events, 10 to a PutEvents call and a few calls side by side: a sweep's 10,000 events take seconds. */
    @Override
    public List<RunEvent> publishAll(List<RunEvent> events) {
        return events.isEmpty() ? List.of() : new PutEventsBatches(eventBridge, bus).publish(events);
    }

    static String detail(RunEvent event) {
        ObjectNode detail = RunJson.of(event.run());
        if (event instanceof RunEvent.Scheduled scheduled) {
            detail.put("paramsJson", detail.get("params").toString());
            scheduled.tokenForContainer().ifPresent(token -> detail.put("token", token.reveal()));
        }
        try {
            return RunJson.MAPPER.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run always serialises", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
