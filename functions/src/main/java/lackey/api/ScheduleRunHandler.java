package lackey.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import lackey.aws.PublishingRuns;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import lackey.run.ExchangeFolder;
import lackey.run.RunExchange;
import lackey.run.RunLifecycle;

/**
 * {@code POST /api/run}: schedules a run and answers 201 with its id and its token (shown only here), and for
 * each of its {@code inputs} a presigned URL to PUT the file into the run's exchange folder.
 */
public final class ScheduleRunHandler implements RequestStreamHandler {

    /** A run spec's fields, its {@code inputs} and, for a pipeline, {@code waitFor}. */
    static final Set<String> FIELDS = RunSpecs.fieldsAnd("inputs", "waitFor");

    private final RunLifecycle runs;
    private final RunExchange exchange;

    public ScheduleRunHandler() {
        this(PublishingRuns.fromEnvironment(), RunFiles.exchangeFromEnvironment());
    }

    /** Without exchange files: a schedule naming {@code inputs} is then a bug of the wiring, not of the caller. */
    ScheduleRunHandler(RunLifecycle runs) {
        this(runs, null);
    }

    ScheduleRunHandler(RunLifecycle runs, RunExchange exchange) {
        this.runs = runs;
        this.exchange = exchange;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEndpoint.serve(event, response, context, request -> {
            var fields = request.body(FIELDS);
            // checked before the run is scheduled: a bad name costs no run
            List<String> inputs = ExchangeFolder.names(fields.list("inputs"));
            var spec = RunSpecs.from(fields);
            if (spec.waitFor().isPresent() && exchange == null) {
                throw new IllegalStateException("this handler was built without exchange files");
            }
            // only a run that waits for a file costs a look at the bucket
            var scheduled = spec.waitFor().isPresent() ? runs.schedule(spec, exchange::landed) : runs.schedule(spec);
            var body = RunJson.of(scheduled.run());
            scheduled.tokenForCaller().ifPresent(token -> body.put("token", token.reveal()));
            if (!inputs.isEmpty()) {
                if (exchange == null) {
                    throw new IllegalStateException("this handler was built without exchange files");
                }
                ExchangeJson.uploads(body, exchange.uploads(scheduled.run().id(), inputs));
            }
            Warnings.unpublished(body, scheduled.published(), "Run Scheduled");
            return HttpResponses.created("/api/run/" + scheduled.run().id(), body);
        });
    }
}
