package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.FunctionLog;
import lackey.aws.RunJson;
import lackey.aws.SimulationTasks;
import lackey.run.InvalidInput;
import lackey.run.RunId;

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
        RunId run = detail.path("id").canConvertToLong() && detail.path("id").asLong() > 0
                ? new RunId(detail.path("id").asLong()) : null;
        boolean stopped = FunctionLog.during(context, () -> {
            boolean wasRunning = tasks.stop(task, "lackey: run " + detail.path("id").asText() + " was cancelled");
            FunctionLog.info(run, wasRunning ? "simulation task stopped" : "simulation task had already stopped",
                    line -> line.put("taskArn", task));
            return wasRunning;
        });
        RunJson.MAPPER.writeValue(output, RunJson.MAPPER.createObjectNode().put("taskArn", task).put("stopped", stopped));
    }
}
