package lackey.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import lackey.run.Run;

/**
 * The JSON shape of a run, shared by the API's responses and the events' detail so that both tell the
 * same story. Absent values are left out rather than sent as null. Never contains the token.
 */
public final class RunJson {

    /** One mapper for the whole container: building it is costly, using it is thread-safe. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private RunJson() {
    }

    public static ObjectNode of(Run run) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", run.id().value());
        json.put("name", run.spec().name());
        json.put("status", run.status().name());
        run.spec().command().ifPresent(command -> json.put("command", command));
        json.put("dispatch", run.spec().dispatched());
        ObjectNode params = json.putObject("params");
        run.spec().params().forEach((key, value) -> {
            switch (value) {
                case String text -> params.put(key, text);
                case Boolean flag -> params.put(key, flag);
                case BigDecimal number -> params.put(key, number);
                default -> throw new IllegalArgumentException("RunSpec admits only scalars");
            }
        });
        var tags = json.putArray("tags");
        run.spec().tags().forEach(tags::add);
        json.put("scheduledAt", run.scheduledAt().toString());
        run.started().ifPresent(ts -> json.put("started", ts.epochSeconds()));
        run.startedReceivedAt().ifPresent(at -> json.put("startedReceivedAt", at.toString()));
        run.stopped().ifPresent(ts -> json.put("stopped", ts.epochSeconds()));
        run.stoppedReceivedAt().ifPresent(at -> json.put("stoppedReceivedAt", at.toString()));
        run.duration().ifPresent(duration -> json.put("duration", duration.toSeconds()));
        run.exitCode().ifPresent(code -> json.put("exitCode", code));
        run.log().ifPresent(log -> json.putObject("log").put("location", log.location()).put("bytes", log.bytes()));
        return json;
    }
}
