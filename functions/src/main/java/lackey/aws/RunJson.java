package lackey.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import lackey.run.DeadlineKind;
import lackey.run.Run;
import lackey.run.RunStatus;
import lackey.run.Timeouts;

/**
 * The JSON shape of a run, shared by the API's responses and the events' detail so that both tell the
 * same story. Absent values are left out rather than sent as null. Never contains the token.
 */
public final class RunJson {

    /** One mapper for the whole container: building it is costly, using it is thread-safe. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Every instant lackey shows, in answers and events: ISO-8601 UTC with exactly three fractional digits. */
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private RunJson() {
    }

    /**
     * The one text form of an instant: milliseconds, always three digits ({@code 2026-11-27T18:00:03.412Z}), so
     * that every instant has the same shape and sorts as text. Finer digits are truncated.
     */
    public static String instant(Instant at) {
        return INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS));
    }

    public static ObjectNode of(Run run) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", run.id().value());
        json.put("name", run.spec().name());
        json.put("status", run.status().name());
        run.spec().command().ifPresent(command -> json.put("command", command));
        json.put("dispatch", run.spec().dispatched());
        // only while it waits: an ended run's store item has no awaitKey either, this is the second line of defence
        run.spec().waitFor().filter(output -> run.status() == RunStatus.SCHEDULED)
                .ifPresent(output -> json.put("waitingFor", output.reference()));
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
        json.put("scheduledAt", instant(run.scheduledAt()));
        run.started().ifPresent(ts -> json.put("started", ts.epochSeconds()));
        run.startedReceivedAt().ifPresent(at -> json.put("startedReceivedAt", instant(at)));
        run.stopped().ifPresent(ts -> json.put("stopped", ts.epochSeconds()));
        run.stoppedReceivedAt().ifPresent(at -> json.put("stoppedReceivedAt", instant(at)));
        run.duration().ifPresent(duration -> json.put("duration", duration.toSeconds()));
        run.exitCode().ifPresent(code -> json.put("exitCode", code));
        run.log().ifPresent(log -> {
            ObjectNode node = json.putObject("log").put("location", log.location()).put("bytes", log.bytes());
            log.sha256().ifPresent(digest -> node.put("sha256", digest));
        });
        Timeouts timeouts = run.spec().timeouts();
        ObjectNode limits = json.putObject("timeouts")
                .put("startTimeout", timeouts.startTimeout().toSeconds())
                .put("maxDuration", timeouts.maxDuration().toSeconds());
        timeouts.heartbeatTimeout().ifPresent(beat -> limits.put("heartbeatTimeout", beat.toSeconds()));
        run.heartbeat().ifPresent(beat -> {
            ObjectNode node = json.putObject("heartbeat").put("ts", beat.ts().epochSeconds())
                    .put("receivedAt", instant(beat.receivedAt()));
            beat.progress().ifPresent(progress -> node.put("progress", progress));
            beat.message().ifPresent(message -> node.put("message", message));
            if (beat.count() > 0) {
                node.put("count", beat.count());
            }
        });
        run.deadline().ifPresent(deadline -> json.putObject("deadline").put("at", instant(deadline.at()))
                .put("kind", deadline.kind().name()));
        run.interruption().ifPresent(ended -> {
            String how = run.status() == RunStatus.CANCELLED ? "cancel" : "lost";
            json.put(how.equals("cancel") ? "cancelledAt" : "lostAt", instant(ended.at()))
                    .put(how + "Reason", ended.reason());
            ended.reportedStatus().ifPresent(reported -> json.put("reportedStatus", reported.name()));
        });
        run.taskArn().ifPresent(task -> json.put("taskArn", task));
        run.outputs().ifPresent(outputs -> {
            var names = json.putArray("outputs");
            outputs.names().forEach(names::add);
            json.put("outputCount", outputs.names().size()).put("lastOutputAt", instant(outputs.lastAt()));
        });
        run.launchFailures().ifPresent(failures -> json.put("launchFailures", failures.count())
                .put("launchFailedAt", instant(failures.lastAt())).put("launchFailureReason", failures.lastReason()));
        run.deadline().filter(d -> d.kind() == DeadlineKind.DISPATCH).ifPresent(d -> json.put("dispatchPending", true));
        return json;
    }
}
