package lackey.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an invocation returned: the payload, and for a failed one Lambda's function-error kind ({@code Unhandled}),
 * with the init and run durations the platform reports.
 *
 * @param payload       the response, or Lambda's error JSON
 * @param functionError {@code Unhandled} when the function failed, timed out or its runtime exited
 * @param initMillis    how long the environment's init took, for its first invocation; 0 otherwise
 * @param durationMillis how long the invocation itself took
 */
public record InvocationResult(byte[] payload, Optional<String> functionError, double initMillis, double durationMillis) {

    static InvocationResult error(String message, String type) {
        String json = "{\"errorMessage\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
                + (type == null ? "" : ",\"errorType\":\"" + type + "\"") + "}";
        return new InvocationResult(json.getBytes(StandardCharsets.UTF_8), Optional.of("Unhandled"), 0, 0);
    }

    /** The payload as text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
