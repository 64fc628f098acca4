package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/**
 * {@code PUT /api/run/cancel/{id}} with an optional {@code reason} (operator): ends a SCHEDULED or
 * RUNNING run as CANCELLED. Its token stops working; "Run Cancelled" lets the deployment stop its task.
 */
public final class CancelRunHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("reason");

    private final RunLifecycle runs;

    public CancelRunHandler() {
        this(PublishingRuns.fromEnvironment());
    }

    CancelRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var reason = request.body(FIELDS).text("reason");
            var cancelled = runs.cancel(request.runId(), reason);
            var body = RunJson.of(cancelled.run());
            Warnings.unpublished(body, cancelled.published(), "Run Cancelled");
            return HttpResponses.ok(body);
        });
    }
}
