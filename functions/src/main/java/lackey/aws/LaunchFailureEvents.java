package lackey.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import lackey.run.LaunchFailure;
import lackey.run.RunId;
import lackey.run.Token;

/**
 * Reads the two ways AWS tells that a run's container could not be launched into {@link LaunchFailure}s:
 * <ul>
 * <li>an "ECS Task State Change" (source {@code aws.ecs}) of a task that stopped with stop code
 * {@code TaskFailedToStart}: RunTask worked, but the task never ran (no capacity, an image that cannot be pulled, a
 * secret or a log group it cannot reach). The run's id and token are in the task's container overrides, which the
 * dispatch rule set;</li>
 * <li>a message of the dispatch dead-letter queue, as Lambda hands SQS messages over: EventBridge gave up calling
 * RunTask for a "Run Scheduled" (a bad subnet, a task definition that is gone, throttling that outlasted the retry
 * policy) and put the event there, with why in the message attributes {@code ERROR_CODE} and {@code ERROR_MESSAGE}.
 * A task-state event whose delivery to the function failed lands in the same queue and is read the same way.</li>
 * </ul>
 * Both carry the run's token, the proof of which launch failed. It goes into the {@link LaunchFailure} and nowhere
 * else: a reason that happened to quote it has it blanked out.
 */
public final class LaunchFailureEvents {

    /** The ECS stop code of a task that never got to run its containers. */
    static final String FAILED_TO_START = "TaskFailedToStart";

    private LaunchFailureEvents() {
    }

    /**
     * The launch failure an "ECS Task State Change" reports; empty when it reports anything else (another status or
     * stop code) or concerns a task that is not a run's (no {@code LACKEY_RUN_ID} and {@code LACKEY_RUN_TOKEN}).
     */
    public static Optional<LaunchFailure> fromTaskStateChange(JsonNode event) {
        JsonNode detail = event.path("detail");
        if (!"ECS Task State Change".equals(event.path("detail-type").asText())
                || !"STOPPED".equals(detail.path("lastStatus").asText())
                || !FAILED_TO_START.equals(detail.path("stopCode").asText())) {
            return Optional.empty();
        }
        Optional<String> runId = Optional.empty();
        Optional<String> token = Optional.empty();
        for (JsonNode container : detail.path("overrides").path("containerOverrides")) {
            for (JsonNode variable : container.path("environment")) {
                switch (variable.path("name").asText()) {
                    case "LACKEY_RUN_ID" -> runId = Optional.of(variable.path("value").asText());
                    case "LACKEY_RUN_TOKEN" -> token = Optional.of(variable.path("value").asText());
                    default -> {
                        // the rest of the container's environment says nothing about the failure
                    }
                }
            }
        }
        if (runId.isEmpty() || token.isEmpty()) {
            return Optional.empty();
        }
        String taskArn = detail.path("taskArn").asText("");
        String why = detail.path("stoppedReason").asText("");
        for (JsonNode container : detail.path("containers")) {
            String reason = container.path("reason").asText("");
            if (!reason.isBlank() && !why.contains(reason)) {
                why = why.isBlank() ? reason : why + "; " + reason;
            }
        }
        String reason = "task " + taskArn.substring(taskArn.lastIndexOf('/') + 1) + " failed to start: " + why;
        return failure(runId.get(), token.get(), reason);
    }

    /**
     * The launch failure a message of the dispatch dead-letter queue reports (one record of Lambda's SQS event);
     * empty when its body is neither a dispatched "Run Scheduled" nor a task that failed to start.
     */
    public static Optional<LaunchFailure> fromDeadLetter(JsonNode record) {
        JsonNode event;
        try {
            event = RunJson.MAPPER.readTree(record.path("body").asText(""));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (event == null || !event.isObject()) {
            return Optional.empty();
        }
        if ("aws.ecs".equals(event.path("source").asText())) {
            return fromTaskStateChange(event);
        }
        JsonNode detail = event.path("detail");
        if (!"Run Scheduled".equals(event.path("detail-type").asText()) || !detail.path("token").isTextual()) {
            return Optional.empty();
        }
        JsonNode attributes = record.path("messageAttributes");
        String code = attribute(attributes, "ERROR_CODE");
        String message = attribute(attributes, "ERROR_MESSAGE");
        String retries = attribute(attributes, "RETRY_ATTEMPTS");
        String reason = "RunTask failed: " + (code.isEmpty() ? "" : code + ": ") + message
                + (retries.isEmpty() ? "" : " (retries: " + retries + ")");
        return failure(detail.path("id").asText(), detail.path("token").asText(), reason);
    }

    // A run id that is not one, or an empty token, is no run's launch: nothing to record.
    private static Optional<LaunchFailure> failure(String runId, String token, String reason) {
        if (token.isBlank() || token.length() > 256 || runId.isBlank() || !runId.chars().allMatch(c -> c >= '0' && c <= '9') || runId.length() > 15
                || Long.parseLong(runId) < 1) {
            return Optional.empty();
        }
        Token launched = Token.presented(token);
        return Optional.of(new LaunchFailure(new RunId(Long.parseLong(runId)), launched,
                reason.replace(launched.reveal(), "[token]")));
    }

    // Lambda's SQS records spell message attributes {"stringValue": …, "dataType": "String"}.
    private static String attribute(JsonNode attributes, String name) {
        return attributes.path(name).path("stringValue").asText("").strip();
    }
}
