package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Set;
import lackey.aws.DynamoRuns;
import lackey.aws.RunJson;
import lackey.run.ClientTime;
import lackey.run.Heartbeat;
import lackey.run.RunLifecycle;
import lackey.run.Token;

/**
 * {@code PUT /api/run/heartbeat/{id}} with {@code token}, {@code ts} and optionally {@code progress}
 * (0-100) and {@code message}: a running simulation says it is alive, which moves its deadline.
 */
public final class HeartbeatRunHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("token", "ts", "progress", "message");

    private final RunLifecycle runs;

    public HeartbeatRunHandler() {
        this(DynamoRuns.fromEnvironment());
    }

    HeartbeatRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var fields = request.body(FIELDS);
            var run = runs.heartbeat(request.runId(),
                    Token.presented(fields.text("token").orElse(null)),
                    ClientTime.parse("ts", fields.number("ts").orElse(null), Instant.now()),
                    Heartbeat.progress(fields.number("progress")),
                    fields.text("message"));
            return HttpResponses.ok(RunJson.of(run));
        });
    }
}
