package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import lackey.run.RunLogs;
import lackey.run.Token;

/**
 * {@code POST /api/run/log-upload/{id}} with {@code token}: for a log too large to send with the stop, a
 * presigned URL to PUT it to S3 directly (up to 5 GB) and the {@code logUpload} reference the stop call then
 * gives instead of {@code log}.
 */
public final class LogUploadHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("token");

    private final RunLogs logs;

    public LogUploadHandler() {
        this(RunFiles.logsFromEnvironment());
    }

    LogUploadHandler(RunLogs logs) {
        this.logs = logs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var token = Token.presented(request.body(FIELDS).text("token").orElse(null));
            var upload = logs.grantUpload(request.runId(), token);
            var body = RunJson.MAPPER.createObjectNode()
                    .put("id", upload.upload().run().value())
                    .put("logUpload", upload.upload().reference())
                    .put("method", "PUT")
                    .put("url", upload.url().toString())
                    .put("expiresAt", RunJson.instant(upload.expiresAt()));
            return HttpResponses.ok(body);
        });
    }
}
