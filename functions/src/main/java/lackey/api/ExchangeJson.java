package lackey.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import lackey.aws.RunJson;
import lackey.run.RunExchange;

/** Exchange files as the API shows them: upload links at scheduling, the listing of a run's files. */
final class ExchangeJson {

    private ExchangeJson() {
    }

    /** Adds {@code uploads: [{name, url, method, expiresAt}]} to a schedule's answer. */
    static void uploads(ObjectNode body, List<RunExchange.Upload> uploads) {
        ArrayNode array = body.putArray("uploads");
        for (RunExchange.Upload upload : uploads) {
            array.addObject()
                    .put("name", upload.name())
                    .put("url", upload.url().toString())
                    .put("method", "PUT")
                    .put("expiresAt", RunJson.instant(upload.expiresAt()));
        }
    }

    /** {@code {id, inputs: [...], outputs: [...], expiresAt}}, each file {name, size, lastModified, url}. */
    static ObjectNode files(RunExchange.Files files) {
        ObjectNode body = RunJson.MAPPER.createObjectNode();
        body.put("id", files.run().value());
        side(body.putArray("inputs"), files.inputs());
        side(body.putArray("outputs"), files.outputs());
        body.put("expiresAt", RunJson.instant(files.expiresAt()));
        return body;
    }

    private static void side(ArrayNode array, List<RunExchange.File> files) {
        for (RunExchange.File file : files) {
            array.addObject()
                    .put("name", file.name())
                    .put("size", file.bytes())
                    .put("lastModified", RunJson.instant(file.lastModified()))
                    .put("url", file.url().toString());
        }
    }
}
