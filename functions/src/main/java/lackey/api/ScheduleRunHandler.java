package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.AwsRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/** {@code POST /api/run}: schedules a run and answers 201 with its id and its token (shown only here). */
public final class ScheduleRunHandler implements RequestStreamHandler {

    private final RunLifecycle runs;

    public ScheduleRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    ScheduleRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var scheduled = runs.schedule(RunSpecs.from(request.fields()));
            var body = RunJson.of(scheduled.run()).put("token", scheduled.token().reveal());
            Warnings.unpublished(body, scheduled.published(), "Run Scheduled");
            return HttpResponses.created("/api/run/" + scheduled.run().id(), body);
        });
    }
}
