package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import lackey.run.RunExchange;
import lackey.run.Token;

/**
 * {@code POST /api/run/output-upload/{id}} with {@code token} and {@code names}: for a running simulation, a
 * presigned URL to PUT each output into its run's exchange folder; the bucket's object events then record them
 * as outputs, as for any file written there.
 */
public final class OutputUploadHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("token", "names");

    private final RunExchange exchange;

    public OutputUploadHandler() {
        this(RunFiles.exchangeFromEnvironment());
    }

    OutputUploadHandler(RunExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var fields = request.body(FIELDS);
            var uploads = exchange.outputUploads(request.runId(), Token.presented(fields.text("token").orElse(null)),
                    fields.list("names"));
            var body = RunJson.MAPPER.createObjectNode().put("id", request.runId().value());
            ExchangeJson.uploads(body, uploads);
            return HttpResponses.ok(body);
        });
    }
}
