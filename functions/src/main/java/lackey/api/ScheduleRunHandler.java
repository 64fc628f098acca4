package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import lackey.aws.AwsRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/** {@code POST /api/run}: schedules a run and answers 201 with its id and its token (shown only here). */
public final class ScheduleRunHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final RunLifecycle runs;

    public ScheduleRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    ScheduleRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.serve(event, context, request -> {
            var scheduled = runs.schedule(RunSpecs.from(request.fields()));
            var body = RunJson.of(scheduled.run()).put("token", scheduled.token().reveal());
            Warnings.unpublished(body, scheduled.published(), "Run Scheduled");
            return HttpResponses.created("/api/run/" + scheduled.run().id(), body);
        });
    }
}
