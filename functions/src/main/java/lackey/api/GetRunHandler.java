package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import lackey.aws.AwsRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/** {@code GET /api/run/{id}}: the run as JSON, never its token. */
public final class GetRunHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final RunLifecycle runs;

    public GetRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    GetRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.serve(event, context, request -> HttpResponses.ok(RunJson.of(runs.get(request.runId()))));
    }
}
