package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.DynamoRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/** {@code GET /api/run/{id}}: the run as JSON, never its token. */
public final class GetRunHandler implements RequestStreamHandler {

    private final RunLifecycle runs;

    public GetRunHandler() {
        this(DynamoRuns.fromEnvironment());
    }

    GetRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            request.noFields();
            return HttpResponses.ok(RunJson.of(runs.get(request.runId())));
        });
    }
}
