package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import lackey.aws.FunctionLog;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.OutputFile;
import lackey.run.RecordOutput;
import lackey.run.RunId;

/**
 * Target of the rule on the runs bucket's "Object Created" events: records a new file under
 * {@code exchange/{id}/out/} on its run and publishes "Output Created". Other keys and unknown runs are
 * logged and skipped; a failed write fails the invocation so EventBridge retries it.
 */
public final class RecordOutputHandler implements RequestStreamHandler {

    private final RecordOutput outputs;

    public RecordOutputHandler() {
        this(PublishingRuns.outputsFromEnvironment());
    }

    RecordOutputHandler(RecordOutput outputs) {
        this.outputs = outputs;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode object = HttpEndpoint.readEvent(input).path("detail").path("object");
        // S3 sends the key URL-encoded in its event notifications ("a+b.csv" for "a b.csv").
        String key = URLDecoder.decode(object.path("key").asText(""), StandardCharsets.UTF_8);
        long size = object.path("size").asLong(0);
        RecordOutput.Outcome outcome = FunctionLog.during(context, () -> {
            RecordOutput.Outcome recorded = outputs.objectCreated(key, size);
            RunId run = OutputFile.fromKey(key).map(OutputFile::run).orElse(null);
            FunctionLog.log(recorded == RecordOutput.Outcome.RECORDED ? LogLevel.INFO : LogLevel.WARN, run,
                    "object " + recorded, line -> line.put("key", key).put("size", size));
            return recorded;
        });
        RunJson.MAPPER.writeValue(output, RunJson.MAPPER.createObjectNode().put("key", key).put("outcome", outcome.name()));
    }
}
