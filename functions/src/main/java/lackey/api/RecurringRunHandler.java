package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.FunctionLog;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.RunLifecycle;

/**
 * Schedules a run each time a scheduled EventBridge rule fires; the rule's constant input is the run
 * spec, so recurring runs need no code of their own. A bad spec fails the invocation, which EventBridge
 * retries and then reports, rather than being dropped.
 */
public final class RecurringRunHandler implements RequestStreamHandler {

    private final RunLifecycle runs;

    public RecurringRunHandler() {
        this(PublishingRuns.fromEnvironment());
    }

    RecurringRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // the rule's Input is written by whoever deploys: read it as strictly as a request's JSON body
        if (!(RequestJson.read("the rule's Input", input.readAllBytes()) instanceof ObjectNode spec)
                || spec.has("detail-type")) {
            throw new InvalidInput("a recurring run's rule must set Input to a run spec JSON object "
                    + "(name, command, params, tags), not pass the Scheduled Event");
        }
        var scheduled = FunctionLog.during(context, () -> {
            var run = runs.schedule(RunSpecs.from(RequestFields.of(spec, RunSpecs.FIELDS)));
            FunctionLog.info(run.run().id(), "recurring run scheduled", line -> line.put("published", run.published()));
            return run;
        });
        RunJson.MAPPER.writeValue(output, RunJson.MAPPER.createObjectNode()
                .put("id", scheduled.run().id().value())
                .put("status", scheduled.run().status().name())
                .put("published", scheduled.published()));
    }
}
