package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lackey.aws.FunctionLog;
import lackey.aws.PublishingRuns;
import lackey.aws.RunJson;
import lackey.run.ParameterSweeps;
import lackey.run.RunId;

/**
 * {@code POST /api/runs}: schedules a sweep, up to 10,000 runs from a list of params or a grid, and answers 201
 * with one document: {@code {"sweep": <first id>, "tag": "sweep-<first id>", "count": N, "runs": [{"id", "token",
 * "params"}, …]}}. The tokens are shown only here. A sweep that could not be stored in full is undone (503).
 */
public final class ScheduleSweepHandler implements RequestStreamHandler {

    /** Ids listed in a warning's text; the runs themselves say which they are ({@code dispatchPending}). */
    private static final int IDS_IN_A_WARNING = 20;

    /** A run spec's fields (without waitFor: a sweep's runs wait for nothing) and {@code runs} or {@code grid}. */
    static final Set<String> FIELDS = RunSpecs.fieldsAnd("runs", "grid");

    private final ParameterSweeps sweeps;

    public ScheduleSweepHandler() {
        this(PublishingRuns.sweepsFromEnvironment());
    }

    ScheduleSweepHandler(ParameterSweeps sweeps) {
        this.sweeps = sweeps;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var scheduled = sweeps.schedule(SweepSpecs.from(request.body(FIELDS)));
            scheduled.undispatched().forEach(run -> FunctionLog.warn(run, "its \"Run Scheduled\" was not published and it "
                    + "could not be marked for re-dispatch: nothing will start it"));
            return HttpResponses.created("/api/runs?tag=" + scheduled.tag(), json(scheduled));
        });
    }

    static ObjectNode json(ParameterSweeps.Scheduled sweep) {
        ObjectNode body = RunJson.MAPPER.createObjectNode();
        body.put("sweep", sweep.first().value());
        body.put("tag", sweep.tag());
        body.put("count", sweep.runs().size());
        ArrayNode runs = body.putArray("runs");
        for (ParameterSweeps.SweepRun run : sweep.runs()) {
            ObjectNode node = runs.addObject()
                    .put("id", run.run().id().value())
                    .put("token", run.token().reveal());
            ObjectNode params = node.putObject("params");
            run.run().spec().params().forEach((key, value) -> {
                switch (value) {
                    case String text -> params.put(key, text);
                    case Boolean flag -> params.put(key, flag);
                    case BigDecimal number -> params.put(key, number);
                    default -> throw new IllegalArgumentException("RunSpec admits only scalars");
                }
            });
            if (run.dispatchPending()) {
                node.put("dispatchPending", true);
            }
        }
        List<RunId> unpublished = sweep.unpublished();
        if (!unpublished.isEmpty()) {
            ArrayNode warnings = body.putArray("warnings");
            warnings.add("the Run Scheduled events of " + unpublished.size() + " runs could not be published ("
                    + ids(unpublished) + "); the runs are stored");
            List<RunId> pending = sweep.dispatchPending();
            if (!pending.isEmpty()) {
                warnings.add(pending.size() + " dispatched runs wait for the sweeper to publish them again (" + ids(pending)
                        + "); they show dispatchPending");
            }
            if (!sweep.undispatched().isEmpty()) {
                warnings.add(sweep.undispatched().size() + " dispatched runs could not be marked for re-dispatch either ("
                        + ids(sweep.undispatched()) + "); nothing will start them, cancel them or let their start timeout pass");
            }
        }
        return body;
    }

    private static String ids(List<RunId> ids) {
        String shown = ids.stream().limit(IDS_IN_A_WARNING).map(RunId::toString).collect(Collectors.joining(", "));
        return "ids " + shown + (ids.size() > IDS_IN_A_WARNING ? " and " + (ids.size() - IDS_IN_A_WARNING) + " more" : "");
    }
}
