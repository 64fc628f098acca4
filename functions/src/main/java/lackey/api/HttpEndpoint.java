package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.RunException;

/** Runs one HTTP action: reads the event, maps expected failures to their status, anything else to a logged 500. */
final class HttpEndpoint {

    private HttpEndpoint() {
    }

    static void serve(InputStream input, OutputStream output, Context context, Function<HttpRequest, HttpResponse> action)
            throws IOException {
        HttpResponse response;
        try {
            response = action.apply(HttpRequest.of(readEvent(input)));
        } catch (RunException problem) {
            response = HttpResponses.failure(problem);
        } catch (RuntimeException crash) {
            String requestId = context == null ? "unknown" : context.getAwsRequestId();
            log(context, "lackey: request " + requestId + " failed: " + stackOf(crash));
            response = HttpResponses.internalError(requestId);
        }
        RunJson.MAPPER.writeValue(output, response.toEvent());
    }

    /** A payload that is not JSON is not from API Gateway; say so rather than fail obscurely. */
    static JsonNode readEvent(InputStream input) throws IOException {
        try {
            return RunJson.MAPPER.readTree(input);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInput("the event is not JSON");
        }
    }

    private static void log(Context context, String line) {
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line);
        } else {
            System.err.println(line);
        }
    }

    private static String stackOf(Throwable crash) {
        StringWriter stack = new StringWriter();
        crash.printStackTrace(new PrintWriter(stack));
        return stack.toString();
    }
}
