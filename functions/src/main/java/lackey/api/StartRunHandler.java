package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Set;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.ClientTime;
import lackey.run.RunLifecycle;
import lackey.run.Token;

/**
 * {@code PUT /api/run/start/{id}} with {@code token}, {@code ts} and optionally {@code task} (the ECS task
 * ARN, so that a cancellation can stop it): the simulation reports its start.
 */
public final class StartRunHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("token", "ts", "task");

    private final RunLifecycle runs;

    public StartRunHandler() {
        this(PublishingRuns.fromEnvironment());
    }

    StartRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var fields = request.body(FIELDS);
            var started = runs.start(request.runId(),
                    Token.presented(fields.text("token").orElse(null)),
                    ClientTime.parse("ts", fields.number("ts").orElse(null), Instant.now()),
                    fields.text("task"));
            var body = RunJson.of(started.run());
            Warnings.unpublished(body, started.published(), "Run Started");
            return HttpResponses.ok(body);
        });
    }
}
