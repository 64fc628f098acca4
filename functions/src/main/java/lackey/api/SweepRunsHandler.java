package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import lackey.aws.FunctionLog;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.RunLifecycle;

/**
 * Runs every minute on a scheduled rule: declares overdue runs LOST (not started, silent, or past their
 * maximum duration) and publishes "Run Lost" for each, and publishes again the "Run Scheduled" events
 * that could not be published at scheduling. The Scheduled Event itself carries nothing it needs.
 */
public final class SweepRunsHandler implements RequestStreamHandler {

    /** Enough for any real backlog in one minute; the next sweep takes the rest. */
    static final int MAX_PER_SWEEP = 1000;

    private final RunLifecycle runs;

    public SweepRunsHandler() {
        this(PublishingRuns.fromEnvironment());
    }

    SweepRunsHandler(RunLifecycle runs) {
        this.runs = runs;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        var sweep = FunctionLog.during(context, () -> {
            var found = runs.sweep(MAX_PER_SWEEP);
            found.lost().forEach(run -> FunctionLog.info(run.id(), "declared LOST", line ->
                    run.interruption().ifPresent(lost -> line.put("lostReason", lost.reason()))));
            found.redispatched().forEach(run -> FunctionLog.info(run.id(), "\"Run Scheduled\" published again"));
            return found;
        });
        var result = RunJson.MAPPER.createObjectNode();
        var lost = result.putArray("lost");
        sweep.lost().forEach(run -> lost.add(run.id().value()));
        var redispatched = result.putArray("redispatched");
        sweep.redispatched().forEach(run -> redispatched.add(run.id().value()));
        RunJson.MAPPER.writeValue(output, result);
    }
}
