package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import lackey.run.RunLogs;

/**
 * {@code GET /api/run/{id}/log}: a 302 to a presigned download URL of the run's log, valid for
 * {@link RunLogs#DOWNLOAD_VALIDITY}; the log never passes through the function, whatever its size.
 */
public final class GetRunLogHandler implements RequestStreamHandler {

    private final RunLogs logs;

    public GetRunLogHandler() {
        this(RunFiles.logsFromEnvironment());
    }

    GetRunLogHandler(RunLogs logs) {
        this.logs = logs;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            request.noFields();
            var link = logs.download(request.runId());
            var body = RunJson.MAPPER.createObjectNode()
                    .put("url", link.url().toString())
                    .put("expiresAt", RunJson.instant(link.expiresAt()));
            return HttpResponses.redirect(link.url().toString(), body);
        });
    }
}
