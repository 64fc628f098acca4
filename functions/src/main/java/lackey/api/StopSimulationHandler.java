package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.RunJson;
import lackey.aws.SimulationTasks;
import lackey.run.InvalidInput;

/**
 * Target of the rule on "Run Cancelled": stops the ECS task the cancelled run's simulation reported at
 * its start. A task that already ended is fine; any other failure fails the invocation so EventBridge
 * retries it.
 */
public final class StopSimulationHandler implements RequestStreamHandler {

    private final SimulationTasks tasks;

    public StopSimulationHandler() {
        this(SimulationTasks.fromEnvironment());
    }

    StopSimulationHandler(SimulationTasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = HttpEndpoint.readEvent(input);
        JsonNode detail = event.path("detail");
        String task = detail.path("taskArn").asText("");
        if (task.isBlank()) {
            throw new InvalidInput("a Run Cancelled event without taskArn names no task to stop");
        }
        boolean stopped = tasks.stop(task, "lackey: run " + detail.path("id").asText() + " was cancelled");
        RunJson.MAPPER.writeValue(output, RunJson.MAPPER.createObjectNode().put("taskArn", task).put("stopped", stopped));
    }
}
