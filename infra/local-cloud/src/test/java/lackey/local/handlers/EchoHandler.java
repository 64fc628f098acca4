package lackey.local.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A test function: answers with its input, the environment it sees and how often it was constructed. */
public class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    public EchoHandler() {
        INSTANCES.incrementAndGet();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("input", input);
        out.put("table", System.getenv("LACKEY_TABLE"));
        out.put("region", System.getenv("AWS_REGION"));
        out.put("functionName", context.getFunctionName());
        out.put("instances", INSTANCES.get());
        out.put("remainingMillis", context.getRemainingTimeInMillis());
        out.put("pid", ProcessHandle.current().pid());
        context.getLogger().log("echo handled " + context.getAwsRequestId());
        return out;
    }
}
