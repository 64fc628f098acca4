package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Instant;
import lackey.aws.AwsRuns;
import lackey.aws.RunJson;
import lackey.run.ClientTime;
import lackey.run.RunLifecycle;
import lackey.run.StopReport;
import lackey.run.Token;

/**
 * {@code PUT /api/run/stop/{id}} with {@code token}, {@code ts}, {@code log} and optionally {@code status}
 * (FINISHED or FAILED) or {@code exit} (non-zero means FAILED): the simulation reports its end.
 */
public final class StopRunHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final RunLifecycle runs;

    public StopRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    StopRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.serve(event, context, request -> {
            var fields = request.fields();
            var stopped = runs.stop(request.runId(),
                    Token.presented(fields.text("token").orElse(null)),
                    ClientTime.parse("ts", fields.text("ts").orElse(null), Instant.now()),
                    StopReport.parse(fields.text("status").orElse(null), fields.text("exit").orElse(null)),
                    fields.text("log"));
            var body = RunJson.of(stopped.run());
            Warnings.unpublished(body, stopped.published(), "Run Stopped");
            return HttpResponses.ok(body);
        });
    }
}
