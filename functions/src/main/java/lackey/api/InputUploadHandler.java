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

/**
 * {@code POST /api/run/{id}/inputs} with {@code inputs} (names): for an operator, a presigned URL to PUT each
 * further input into the exchange folder of a run that has not ended, valid for {@link RunExchange#UPLOAD_VALIDITY}.
 */
public final class InputUploadHandler implements RequestStreamHandler {

    static final Set<String> FIELDS = Set.of("inputs");

    private final RunExchange exchange;

    public InputUploadHandler() {
        this(RunFiles.exchangeFromEnvironment());
    }

    InputUploadHandler(RunExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var inputs = request.body(FIELDS).list("inputs");
            var uploads = exchange.inputUploads(request.runId(), inputs);
            var body = RunJson.MAPPER.createObjectNode().put("id", request.runId().value());
            ExchangeJson.uploads(body, uploads);
            return HttpResponses.ok(body);
        });
    }
}
