package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.RunFiles;
import lackey.run.RunExchange;

/**
 * {@code GET /api/run/{id}/files}: the run's inputs and outputs (its exchange folder's {@code in/} and
 * {@code out/}) with size, last change and a presigned download URL each, valid for
 * {@link RunExchange#DOWNLOAD_VALIDITY}.
 */
public final class ListRunFilesHandler implements RequestStreamHandler {

    private final RunExchange exchange;

    public ListRunFilesHandler() {
        this(RunFiles.exchangeFromEnvironment());
    }

    ListRunFilesHandler(RunExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            request.noFields();
            return HttpResponses.ok(ExchangeJson.files(exchange.files(request.runId())));
        });
    }
}
