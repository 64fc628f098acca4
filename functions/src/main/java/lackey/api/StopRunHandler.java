package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Set;
import lackey.aws.AwsRuns;
import lackey.aws.RunJson;
import lackey.run.ClientTime;
import lackey.run.RunLifecycle;
import lackey.run.StopReport;
import lackey.run.Token;

/**
 * {@code PUT /api/run/stop/{id}} with {@code token}, {@code ts}, {@code log} (bytes, kept exactly) and optionally {@code status}
 * (FINISHED or FAILED) or {@code exit} (non-zero means FAILED): the simulation reports its end. A log too
 * large to send inline is uploaded first ({@link LogUploadHandler}) and named by {@code logUpload} instead.
 */
public final class StopRunHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("token", "ts", "status", "exit", "log", "logUpload");

    private final RunLifecycle runs;

    public StopRunHandler() {
        this(AwsRuns.fromEnvironment());
    }

    StopRunHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var fields = request.body(FIELDS);
            var stopped = runs.stop(request.runId(),
                    Token.presented(fields.text("token").orElse(null)),
                    ClientTime.parse("ts", fields.number("ts").orElse(null), Instant.now()),
                    StopReport.parse(fields.text("status").orElse(null), fields.number("exit").orElse(null)),
                    fields.bytes("log"),
                    fields.text("logUpload"));
            var body = RunJson.of(stopped.run());
            Warnings.unpublished(body, stopped.published(), "Run Stopped");
            return HttpResponses.ok(body);
        });
    }
}
