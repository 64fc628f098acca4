package lackey.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Option;

/** What every scheduled run may be given, shared by {@code schedule} and {@code sweep}. */
final class RunOptions {

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND",
            description = "Dispatch the run: lackey starts COMMAND (locally a process, on AWS an ECS task). "
                    + "Without it the run is tracked only: you run it and it reports with its token.")
    String command;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "A param (repeatable); numbers and true/false are typed, the rest are strings.")
    List<String> params;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", split = ",", description = "A tag (repeatable, or comma-separated).")
    List<String> tags;

    @Option(names = "--start-timeout", paramLabel = "TIME",
            description = "LOST if it has not started this long after scheduling (e.g. 1h; API default 1 day).")
    String startTimeout;

    @Option(names = "--heartbeat-timeout", paramLabel = "TIME",
            description = "LOST if RUNNING and silent this long (e.g. 10m).")
    String heartbeatTimeout;

    @Option(names = "--max-duration", paramLabel = "TIME",
            description = "LOST if RUNNING this long (e.g. 12h; API default 1 day).")
    String maxDuration;

    /** The fields of a schedule: name, command, params, tags and timeouts in whole seconds. */
    ObjectNode body(String name) {
        ObjectNode body = LackeyApi.object().put("name", name);
        if (command != null) {
            body.put("command", command);
        }
        body.set("params", Params.parse(params));
        if (tags != null && !tags.isEmpty()) {
            ArrayNode array = body.putArray("tags");
            tags.forEach(array::add);
        }
        seconds(body, "startTimeout", "--start-timeout", startTimeout);
        seconds(body, "heartbeatTimeout", "--heartbeat-timeout", heartbeatTimeout);
        seconds(body, "maxDuration", "--max-duration", maxDuration);
        return body;
    }

    private static void seconds(ObjectNode body, String field, String option, String text) {
        if (text != null) {
            long seconds = TimeText.length(option, text).toSeconds();
            if (seconds < 1) {
                throw CliFailure.usage(option + " must be at least 1s");
            }
            body.put(field, seconds);
        }
    }
}
