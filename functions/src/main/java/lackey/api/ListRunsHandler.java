package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.DynamoRuns;
import lackey.aws.RunJson;
import lackey.run.RunCatalog;
import lackey.run.RunPage;
import lackey.run.RunQuery;

/**
 * {@code GET /api/runs?status=&name=&tag=&from=&to=&limit=&cursor=}: one page of runs, newest first, as
 * {@code {"runs": [...], "cursor": "..."}}; the cursor is absent on the last page.
 */
public final class ListRunsHandler implements RequestStreamHandler {

    private final RunCatalog catalog;

    public ListRunsHandler() {
        this(DynamoRuns.catalogFromEnvironment());
    }

    ListRunsHandler(RunCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            RunQuery query = RunQuery.fromParameters(request.query(RunQuery.PARAMETERS).texts());
            return HttpResponses.ok(json(query, catalog.list(query)));
        });
    }

    private static ObjectNode json(RunQuery query, RunPage page) {
        ObjectNode body = RunJson.MAPPER.createObjectNode();
        var runs = body.putArray("runs");
        page.runs().forEach(run -> runs.add(RunJson.of(run)));
        page.next().ifPresent(next -> body.put("cursor", query.cursorFor(next)));
        return body;
    }
}
