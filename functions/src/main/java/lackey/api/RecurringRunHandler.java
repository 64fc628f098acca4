package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import lackey.aws.AwsRuns;
import lackey.run.RunLifecycle;

/**
 * Schedules a run each time a scheduled EventBridge rule fires; the rule's constant input is the run
 * spec, so recurring runs need no code of their own. Bad specs fail the invocation, which EventBridge
 * retries and then reports, rather than being dropped.
 */
public final class RecurringRunHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final RunLifecycle runs;

    public RecurringRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    RecurringRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        var scheduled = runs.schedule(RunSpecs.from(input));
        var result = new LinkedHashMap<String, Object>();
        result.put("id", scheduled.run().id().value());
        result.put("status", scheduled.run().status().name());
        result.put("published", scheduled.published());
        return result;
    }
}
