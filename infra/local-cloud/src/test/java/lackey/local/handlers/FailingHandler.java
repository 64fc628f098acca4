package lackey.local.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A test function that always fails, or sleeps past its timeout when asked to. */
public class FailingHandler implements RequestHandler<Map<String, Object>, String> {

    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        if (input != null && input.containsKey("sleepMillis")) {
            try {
                Thread.sleep(((Number) input.get("sleepMillis")).longValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slept";
        }
        throw new IllegalStateException("boom");
    }
}
