package lackey.aws;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.run.ClientTime;
import lackey.run.Deadline;
import lackey.run.DeadlineKind;
import lackey.run.Heartbeat;
import lackey.run.Interruption;
import lackey.run.LaunchFailures;
import lackey.run.LogRef;
import lackey.run.OutputFile;
import lackey.run.Outputs;
import lackey.run.Run;
import lackey.run.RunCursor;
import lackey.run.RunId;
import lackey.run.RunSpec;
import lackey.run.RunStatus;
import lackey.run.RunStore;
import lackey.run.Timeouts;
import lackey.run.TokenHash;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps runs to DynamoDB items and back: the one place that knows the item's attribute names. */
final class RunItems {

    static final String ID = "id";
    static final String NAME = "name";
    static final String STATUS = "status";
    static final String TOKEN_HASH = "tokenHash";
    static final String COMMAND = "command";
    static final String PARAMS = "params";
    static final String TAGS = "tags";
    static final String DISPATCH = "dispatch";
    static final String SCHEDULED_AT = "scheduledAt";
    static final String STARTED_TS = "startedTs";
    static final String STARTED_AT = "startedAt";
    static final String STOPPED_TS = "stoppedTs";
    static final String STOPPED_AT = "stoppedAt";
    static final String EXIT_CODE = "exitCode";
    static final String LOG_LOCATION = "logLocation";
    static final String LOG_BYTES = "logBytes";
    // SHA-256 (hex) of an inline log's bytes, written with it in the stop's one write: how a retried stop is
    // recognised without reading the log. Absent for an uploaded log (its key identifies it) and older runs.
    static final String LOG_SHA256 = "logSha256";
    /** Set (true) only on a log lackey checked to be UTF-8: how its link serves it. */
    static final String LOG_UTF8 = "logUtf8";

    /*
     * Listing keys. Runs are spread over LIST_SHARDS partitions of each index (by id), so 1,000 new runs
     * a second are ~125 a second per partition, and a newest-first page is a merge of LIST_SHARDS
     * queries. LIST_ORDER sorts by schedule time, then id: 13-digit epoch millis and 12-digit id.
     */
    static final int LIST_SHARDS = 8;

    // Timeouts, and the windows derived from them that update expressions add to "now" (DynamoDB can add
    // an attribute to a value, so start and heartbeat move the deadline without reading the run first).
    static final String START_TIMEOUT = "startTimeout";
    static final String HEARTBEAT_TIMEOUT = "heartbeatTimeout";
    static final String MAX_DURATION = "maxDuration";
    static final String FIRST_WINDOW = "firstWindow";
    static final String FIRST_KIND = "firstKind";
    static final String BEAT_WINDOW = "beatWindow";
    // The live run's next deadline (epoch seconds), what it enforces, and its end of maximum duration.
    // liveShard exists only on live runs: the RunsByDeadline index holds nothing else, so sweeps stay cheap.
    static final String DEADLINE = "deadline";
    static final String DEADLINE_KIND = "deadlineKind";
    static final String END_BY = "endBy";
    static final String LIVE_SHARD = "liveShard";
    static final String HEARTBEAT_TS = "heartbeatTs";
    static final String HEARTBEAT_AT = "heartbeatAt";
    static final String PROGRESS = "progress";
    static final String MESSAGE = "message";
    static final String LOST_AT = "lostAt";
    static final String LOST_REASON = "lostReason";
    static final String REPORTED_STATUS = "reportedStatus";
    static final String CANCELLED_AT = "cancelledAt";
    static final String CANCEL_REASON = "cancelReason";
    static final String TASK_ARN = "taskArn";
    static final String OUTPUTS = "outputs";
    static final String OUTPUT_COUNT = "outputCount";
    // The output key a run waits for (exchange/{id}/out/{name}); removed when it is dispatched, so the
    // RunsByAwaitedFile index holds only waiting runs.
    static final String AWAIT_KEY = "awaitKey";
    static final String LAST_OUTPUT_AT = "lastOutputAt";
    // Heartbeats received so far: ADDed by each heartbeat's one write.
    static final String HEARTBEAT_COUNT = "heartbeatCount";
    // Failed launches of the run's container: how many, the last one's time and reason, and the delay before the
    // next re-dispatch (seconds; doubled by each failure).
    static final String LAUNCH_FAILURES = "launchFailures";
    static final String LAUNCH_FAILED_AT = "launchFailedAt";
    static final String LAUNCH_FAILURE_REASON = "launchFailureReason";
    static final String LAUNCH_BACKOFF = "launchBackoff";
    static final String LIST_SHARD = "listShard";
    static final String STATUS_SHARD = "statusShard";
    static final String LIST_ORDER = "listOrder";

    private RunItems() {
    }

    static Map<String, AttributeValue> key(RunId id) {
        return Map.of(ID, number(id.value()));
    }

    static Map<String, AttributeValue> item(Run run, TokenHash tokenHash) {
        var item = new HashMap<String, AttributeValue>();
        item.put(ID, number(run.id().value()));
        item.put(NAME, text(run.spec().name()));
        item.put(STATUS, text(run.status().name()));
        item.put(TOKEN_HASH, text(tokenHash.hex()));
        item.put(DISPATCH, AttributeValue.fromBool(run.spec().dispatched()));
        item.put(SCHEDULED_AT, text(run.scheduledAt().toString()));
        item.put(LIST_SHARD, text(listShard(run.id())));
        item.put(STATUS_SHARD, text(statusShard(run.status(), run.id())));
        item.put(LIST_ORDER, text(listOrder(run.scheduledAt(), run.id())));
        Timeouts timeouts = run.spec().timeouts();
        item.put(START_TIMEOUT, number(timeouts.startTimeout().toSeconds()));
        timeouts.heartbeatTimeout().ifPresent(beat -> item.put(HEARTBEAT_TIMEOUT, number(beat.toSeconds())));
        item.put(MAX_DURATION, number(timeouts.maxDuration().toSeconds()));
        item.put(FIRST_WINDOW, number(timeouts.firstRunningWindow().toSeconds()));
        item.put(FIRST_KIND, text(timeouts.firstRunningKind().name()));
        item.put(BEAT_WINDOW, number(timeouts.heartbeatTimeoutOnceBeating().toSeconds()));
        run.deadline().ifPresent(deadline -> {
            item.put(DEADLINE, number(deadline.at().getEpochSecond()));
            item.put(DEADLINE_KIND, text(deadline.kind().name()));
            item.put(LIVE_SHARD, text(liveShard(run.id())));
        });
        run.spec().command().ifPresent(command -> item.put(COMMAND, text(command)));
        run.spec().waitFor().ifPresent(output -> item.put(AWAIT_KEY, text(output.key())));
        if (!run.spec().params().isEmpty()) {
            var params = new LinkedHashMap<String, AttributeValue>();
            run.spec().params().forEach((key, value) -> params.put(key, scalar(value)));
            item.put(PARAMS, AttributeValue.fromM(params));
        }
        if (!run.spec().tags().isEmpty()) {
            item.put(TAGS, AttributeValue.fromL(run.spec().tags().stream().map(RunItems::text).toList()));
        }
        history(run, item);
        return item;
    }

    /**
     * What happened to the run since it was scheduled, in the attributes the transitions write: nothing for a
     * run just scheduled (the API's case); for a run imported with its history (RunImport), that history,
     * so that it reads back as it was.
     */
    private static void history(Run run, Map<String, AttributeValue> item) {
        run.started().ifPresent(ts -> item.put(STARTED_TS, number(ts.epochSeconds())));
        run.startedReceivedAt().ifPresent(at -> item.put(STARTED_AT, text(at.toString())));
        run.stopped().ifPresent(ts -> item.put(STOPPED_TS, number(ts.epochSeconds())));
        run.stoppedReceivedAt().ifPresent(at -> item.put(STOPPED_AT, text(at.toString())));
        run.exitCode().ifPresent(code -> item.put(EXIT_CODE, number(code)));
        run.log().ifPresent(log -> {
            item.put(LOG_LOCATION, text(log.location()));
            item.put(LOG_BYTES, number(log.bytes()));
        });
        run.heartbeat().ifPresent(beat -> {
            if (beat.count() > 0) {
                item.put(HEARTBEAT_COUNT, number(beat.count()));
            }
            item.put(HEARTBEAT_TS, number(beat.ts().epochSeconds()));
            item.put(HEARTBEAT_AT, text(beat.receivedAt().toString()));
            beat.progress().ifPresent(progress -> item.put(PROGRESS, number(progress)));
            beat.message().ifPresent(message -> item.put(MESSAGE, text(message)));
        });
        run.interruption().ifPresent(ended -> {
            boolean cancelled = run.status() == RunStatus.CANCELLED;
            item.put(cancelled ? CANCELLED_AT : LOST_AT, text(ended.at().toString()));
            item.put(cancelled ? CANCEL_REASON : LOST_REASON, text(ended.reason()));
            ended.reportedStatus().ifPresent(reported -> item.put(REPORTED_STATUS, text(reported.name())));
        });
        run.taskArn().ifPresent(task -> item.put(TASK_ARN, text(task)));
        run.launchFailures().ifPresent(failures -> {
            item.put(LAUNCH_FAILURES, number(failures.count()));
            item.put(LAUNCH_FAILED_AT, text(failures.lastAt().toString()));
            item.put(LAUNCH_FAILURE_REASON, text(failures.lastReason()));
        });
        run.outputs().ifPresent(outputs -> {
            item.put(OUTPUTS, AttributeValue.fromSs(outputs.names()));
            item.put(OUTPUT_COUNT, number(outputs.names().size()));
            item.put(LAST_OUTPUT_AT, text(outputs.lastAt().toString()));
        });
    }

    static RunStore.StoredRun stored(Map<String, AttributeValue> item) {
        return new RunStore.StoredRun(run(item), new TokenHash(item.get(TOKEN_HASH).s()));
    }

    static Run run(Map<String, AttributeValue> item) {
        Map<String, Object> params = new LinkedHashMap<>();
        Optional.ofNullable(item.get(PARAMS)).map(AttributeValue::m)
                .ifPresent(m -> m.forEach((key, value) -> params.put(key, fromScalar(value))));
        List<String> tags = Optional.ofNullable(item.get(TAGS))
                .map(t -> t.l().stream().map(AttributeValue::s).toList()).orElse(List.of());
        var timeouts = new Timeouts(
                optionalLong(item, START_TIMEOUT).map(Duration::ofSeconds).orElse(Timeouts.DEFAULT_START),
                optionalLong(item, HEARTBEAT_TIMEOUT).map(Duration::ofSeconds),
                optionalLong(item, MAX_DURATION).map(Duration::ofSeconds).orElse(Timeouts.DEFAULT_MAX_DURATION));
        var spec = new RunSpec(item.get(NAME).s(), optionalText(item, COMMAND), params, tags, timeouts,
                optionalText(item, AWAIT_KEY).flatMap(OutputFile::fromKey));
        Optional<LogRef> log = optionalText(item, LOG_LOCATION)
                .map(location -> new LogRef(location, Long.parseLong(item.get(LOG_BYTES).n()), optionalText(item, LOG_SHA256),
                        item.containsKey(LOG_UTF8) && Boolean.TRUE.equals(item.get(LOG_UTF8).bool())));
        return new Run(
                new RunId(Long.parseLong(item.get(ID).n())),
                spec,
                RunStatus.valueOf(item.get(STATUS).s()),
                Instant.parse(item.get(SCHEDULED_AT).s()),
                optionalLong(item, STARTED_TS).map(ClientTime::new),
                optionalText(item, STARTED_AT).map(Instant::parse),
                optionalLong(item, STOPPED_TS).map(ClientTime::new),
                optionalText(item, STOPPED_AT).map(Instant::parse),
                optionalLong(item, EXIT_CODE).map(Long::intValue),
                log,
                optionalLong(item, HEARTBEAT_TS).map(ts -> new Heartbeat(new ClientTime(ts),
                        Instant.parse(item.get(HEARTBEAT_AT).s()),
                        optionalLong(item, PROGRESS).map(Long::intValue), optionalText(item, MESSAGE),
                        optionalLong(item, HEARTBEAT_COUNT).orElse(0L))),
                optionalLong(item, DEADLINE).map(at -> new Deadline(Instant.ofEpochSecond(at),
                        DeadlineKind.valueOf(item.get(DEADLINE_KIND).s()))),
                optionalText(item, LOST_AT).map(at -> new Interruption(Instant.parse(at),
                        optionalText(item, LOST_REASON).orElse(""),
                        optionalText(item, REPORTED_STATUS).map(RunStatus::valueOf)))
                        .or(() -> optionalText(item, CANCELLED_AT).map(at -> new Interruption(Instant.parse(at),
                                optionalText(item, CANCEL_REASON).orElse(""), Optional.empty()))),
                optionalText(item, TASK_ARN),
                Optional.ofNullable(item.get(OUTPUTS)).filter(AttributeValue::hasSs)
                        .map(names -> new Outputs(names.ss().stream().sorted().toList(),
                                optionalText(item, LAST_OUTPUT_AT).map(Instant::parse).orElse(Instant.EPOCH))),
                optionalLong(item, LAUNCH_FAILURES).map(count -> new LaunchFailures(count.intValue(),
                        Instant.parse(item.get(LAUNCH_FAILED_AT).s()), optionalText(item, LAUNCH_FAILURE_REASON).orElse(""))));
    }

    /** Partition key of the by-time index: "runs#" and the run's shard. */
    static String listShard(RunId id) {
        return listShard(shard(id));
    }

    /** The by-time partition key of one shard, 0 to LIST_SHARDS - 1: a listing queries each of them. */
    static String listShard(int shard) {
        return "runs#" + shard;
    }

    /** Partition key of the by-status index; every transition that changes the status sets it anew. */
    static String statusShard(RunStatus status, RunId id) {
        return statusShard(status, shard(id));
    }

    static String statusShard(RunStatus status, int shard) {
        return status.name() + "#" + shard;
    }

    static String listOrder(Instant scheduledAt, RunId id) {
        return listOrder(new RunCursor(scheduledAt.toEpochMilli(), id.value()));
    }

    /** The sort key of a place in the listing order (a run, or a bound such as "before this millisecond"). */
    static String listOrder(RunCursor place) {
        return String.format("%013d#%012d", place.scheduledAtMillis(), place.id());
    }

    /** The place a sort key stands for: where a listing that stopped at that item goes on. */
    static RunCursor listPlace(String listOrder) {
        int hash = listOrder.indexOf('#');
        return new RunCursor(Long.parseLong(listOrder.substring(0, hash)), Long.parseLong(listOrder.substring(hash + 1)));
    }

    /** Partition key of the by-deadline index, present only while the run is live. */
    static String liveShard(RunId id) {
        return "live#" + shard(id);
    }

    static int shard(RunId id) {
        return (int) (id.value() % LIST_SHARDS);
    }

    static AttributeValue text(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue scalar(Object value) {
        return switch (value) {
            case String s -> AttributeValue.fromS(s);
            case Boolean b -> AttributeValue.fromBool(b);
            case BigDecimal n -> AttributeValue.fromN(n.toPlainString());
            default -> throw new IllegalArgumentException("RunSpec admits only scalars, got " + value.getClass());
        };
    }

    private static Object fromScalar(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.bool() != null) {
            return value.bool();
        }
        return new BigDecimal(value.n());
    }

    private static Optional<String> optionalText(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }

    private static Optional<Long> optionalLong(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::n).map(Long::parseLong);
    }
}
