package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import lackey.run.RunException;

/** Runs one HTTP action: expected failures become their status, anything else a logged 500. */
final class HttpEndpoint {

    private HttpEndpoint() {
    }

    static APIGatewayV2HTTPResponse serve(APIGatewayV2HTTPEvent event, Context context,
                                          Function<HttpRequest, APIGatewayV2HTTPResponse> action) {
        try {
            return action.apply(HttpRequest.of(event));
        } catch (RunException problem) {
            return HttpResponses.failure(problem);
        } catch (RuntimeException crash) {
            String requestId = context == null ? "unknown" : context.getAwsRequestId();
            StringWriter stack = new StringWriter();
            crash.printStackTrace(new PrintWriter(stack));
            String line = "lackey: request " + requestId + " failed: " + stack;
            if (context != null && context.getLogger() != null) {
                context.getLogger().log(line);
            } else {
                System.err.println(line);
            }
            return HttpResponses.internalError(requestId);
        }
    }
}
