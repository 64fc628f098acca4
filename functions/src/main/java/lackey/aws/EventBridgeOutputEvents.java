package lackey.aws;

import java.util.function.Supplier;
import lackey.run.OutputEvents;
import lackey.run.OutputFile;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** Publishes "Output Created" on the lackey bus: {@code {"id", "name", "size", "key"}}, retried as run events are. */
public final class EventBridgeOutputEvents implements OutputEvents {

    static final String DETAIL_TYPE = "Output Created";

    private final Supplier<EventBridgeClient> eventBridge;
    private final String bus;

    public EventBridgeOutputEvents(Supplier<EventBridgeClient> eventBridge, String bus) {
        this.eventBridge = eventBridge;
        this.bus = bus;
    }

    @Override
    public boolean published(OutputFile output, long size) {
        String detail = RunJson.MAPPER.createObjectNode()
                .put("id", output.run().value())
                .put("name", output.name())
                .put("size", size)
                .put("key", output.key())
                .toString();
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(bus)
                .source(EventBridgeRunEvents.SOURCE)
                .detailType(DETAIL_TYPE)
                .detail(detail)
                .build();
        return EventBridgeRunEvents.put(eventBridge, entry, output.run(), DETAIL_TYPE);
    }
}
