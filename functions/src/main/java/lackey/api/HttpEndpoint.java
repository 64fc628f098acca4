package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.Function;
import lackey.aws.FunctionLog;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.RunException;
import lackey.run.RunId;

/**
 * Runs one HTTP action: reads the event, maps expected failures to their status, anything else to a logged 500,
 * and logs one line per request (route, status, duration, the run's id; never a body, so never a token).
 */
final class HttpEndpoint {

    private HttpEndpoint() {
    }

    static void serve(InputStream input, OutputStream output, Context context, Function<HttpRequest, HttpResponse> action)
            throws IOException {
        HttpResponse response = FunctionLog.during(context, () -> respond(input, action));
        RunJson.MAPPER.writeValue(output, response.toEvent());
    }

    private static HttpResponse respond(InputStream input, Function<HttpRequest, HttpResponse> action) throws IOException {
        long start = System.nanoTime();
        String route = "";
        HttpResponse response;
        RuntimeException crash = null;
        try {
            JsonNode event = readEvent(input);
            route = event.path("routeKey").asText("");
            HttpRequest request = HttpRequest.of(event);
            pathRunId(request);
            response = action.apply(request);
        } catch (RunException problem) {
            response = HttpResponses.failure(problem);
        } catch (RuntimeException unexpected) {
            crash = unexpected;
            response = HttpResponses.internalError(FunctionLog.requestId().orElse("unknown"));
        }
        logRequest(route, response, crash, (System.nanoTime() - start) / 1_000_000);
        return response;
    }

    /** A payload that is not JSON is not from API Gateway; say so rather than fail obscurely. */
    static JsonNode readEvent(InputStream input) throws IOException {
        try {
            return RunJson.MAPPER.readTree(input);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInput("the event is not JSON");
        }
    }

    /** The run a route's {id} names is what its lines are about; a malformed id is the action's to refuse. */
    private static void pathRunId(HttpRequest request) {
        if (request.pathParameters().has("id")) {
            try {
                FunctionLog.aboutRun(request.runId());
            } catch (InvalidInput notAnId) {
                // not logged: the action answers 400
            }
        }
    }

    private static void logRequest(String route, HttpResponse response, RuntimeException crash, long millis) {
        JsonNode body = response.body();
        if (body.path("id").canConvertToLong() && body.path("id").asLong() > 0) {
            FunctionLog.aboutRun(new RunId(body.path("id").asLong()));  // a run just scheduled
        }
        String message = (route.isEmpty() ? "request" : route) + " " + response.statusCode();
        Consumer<ObjectNode> fields = line -> {
            line.put("route", route);
            line.put("status", response.statusCode());
            line.put("durationMs", millis);
            if (body.has("error")) {
                line.put("error", body.path("error").asText());  // the code only: a message may echo input
            }
            if (body.has("sweep")) {
                line.put("sweep", body.path("sweep").asLong()).put("count", body.path("count").asInt());
            }
        };
        if (crash != null) {
            FunctionLog.error(message, crash, fields);
        } else {
            FunctionLog.log(response.statusCode() >= 500 ? LogLevel.ERROR : LogLevel.INFO, null, message, fields);
        }
    }
}
