package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import lackey.aws.FunctionLog;
import lackey.aws.LaunchFailureEvents;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.LaunchFailure;
import lackey.run.RecordLaunchFailure;

/**
 * Hears of runs whose container could not be launched, two ways: as the target of the rule on ECS's "ECS Task State
 * Change" events of tasks that failed to start, and as the consumer of the dispatch dead-letter queue, where
 * EventBridge puts the "Run Scheduled" events whose RunTask call it gave up on. Each failure is recorded on its run
 * ({@link RecordLaunchFailure}). Of a queue batch it answers the messages that failed ({@code batchItemFailures}), so
 * that only those come back; a message that is no launch failure is logged and dropped, as it never will be one.
 */
public final class RecordLaunchFailureHandler implements RequestStreamHandler {

    private final RecordLaunchFailure launches;

    public RecordLaunchFailureHandler() {
        this(PublishingRuns.launchFailuresFromEnvironment());
    }

    RecordLaunchFailureHandler(RecordLaunchFailure launches) {
        this.launches = launches;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = HttpEndpoint.readEvent(input);
        ObjectNode answer = FunctionLog.during(context, () -> event.has("Records") ? deadLetters(event.path("Records")) : taskStopped(event));
        RunJson.MAPPER.writeValue(output, answer);
    }

    // A failure here fails the invocation: Lambda tries again, then EventBridge's dead-letter queue holds the event.
    private ObjectNode taskStopped(JsonNode event) {
        Optional<LaunchFailure> failure = LaunchFailureEvents.fromTaskStateChange(event);
        if (failure.isEmpty()) {
            FunctionLog.warn("an ECS task state change that is no run's failed launch; skipped");
        }
        return RunJson.MAPPER.createObjectNode().put("outcome", failure.map(this::record).map(Enum::name).orElse("SKIPPED"));
    }

    private ObjectNode deadLetters(JsonNode records) {
        ObjectNode answer = RunJson.MAPPER.createObjectNode();
        ArrayNode failed = answer.putArray("batchItemFailures");
        for (JsonNode record : records) {
            String messageId = record.path("messageId").asText();
            try {
                LaunchFailureEvents.fromDeadLetter(record).ifPresentOrElse(this::record, () ->
                        FunctionLog.warn("dead letter " + messageId + " is no run's failed launch; dropped"));
            } catch (RuntimeException e) {
                FunctionLog.error("dead letter " + messageId + " not recorded; the queue delivers it again", e,
                        line -> line.put("messageId", messageId));
                failed.addObject().put("itemIdentifier", messageId);
            }
        }
        return answer;
    }

    private RecordLaunchFailure.Outcome record(LaunchFailure failure) {
        RecordLaunchFailure.Result result = launches.record(failure);
        FunctionLog.info(failure.run(), "launch failure " + result.outcome(), line -> {
            line.put("reason", failure.reason());
            result.run().flatMap(run -> run.launchFailures()).ifPresent(known -> line.put("launchFailures", known.count()));
            if (result.recorded()) {
                line.put("published", result.published());
            }
        });
        return result.outcome();
    }
}
