package lackey.aws;

import static lackey.aws.RunItems.number;
import static lackey.aws.RunItems.text;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lackey.run.ClientTime;
import lackey.run.Deadline;
import lackey.run.DeadlineKind;
import lackey.run.Heartbeat;
import lackey.run.LogRef;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunStatus;
import lackey.run.RunStore;
import lackey.run.StopReport;
import lackey.run.TokenHash;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Runs in DynamoDB, one item per run. Every transition is a single conditional UpdateItem that returns
 * the new item, so concurrent or replayed calls cannot both win and the success path never reads.
 */
public final class DynamoRunStore implements RunStore {

    private static final Map<String, String> STATUS_NAME = Map.of("#status", RunItems.STATUS);
    /** The sparse index of live runs by deadline (template.yaml: RunsTable.GlobalSecondaryIndexes). */
    static final String BY_DEADLINE = "RunsByDeadline";
    /** The sparse index of runs waiting for another run's output, by its key (template.yaml, the same place). */
    static final String AWAITED_FILE_INDEX = "RunsByAwaitedFile";

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;

    public DynamoRunStore(Supplier<DynamoDbClient> dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(Run run, TokenHash tokenHash) {
        try {
            ServiceFailures.run("DynamoDB PutItem", () -> dynamo.get().putItem(put -> put.tableName(table)
                    .item(RunItems.item(run, tokenHash))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", RunItems.ID))));
        } catch (ConditionalCheckFailedException e) {
            // An earlier attempt of this very PutItem may have been applied, its answer lost: the item then holds
            // this run's token hash, which nobody else can have.
            if (retried(e) && read(run.id()).map(item -> text(tokenHash.hex()).equals(item.get(RunItems.TOKEN_HASH))).orElse(false)) {
                return;
            }
            // Ids come from an atomic counter, so this means the counter item was reset by hand.
            throw new IllegalStateException("run id " + run.id() + " is already taken: was the id counter reset?", e);
        }
    }

    @Override
    public Optional<Run> markStarted(RunId id, TokenHash tokenHash, ClientTime started, Instant receivedAt,
                                     Optional<String> taskArn) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":runningShard", text(RunItems.statusShard(RunStatus.RUNNING, id)));
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(started.epochSeconds()));
        values.put(":now", text(receivedAt.toString()));
        values.put(":nowSeconds", number(receivedAt.getEpochSecond()));
        String task = taskArn.map(arn -> {
            values.put(":task", text(arn));
            return RunItems.TASK_ARN + " = :task, ";
        }).orElse("");
        // The next deadline is computed by DynamoDB from windows stored at scheduling: no read needed.
        return transition(id,
                "SET #status = :running, " + RunItems.STATUS_SHARD + " = :runningShard, " + RunItems.STARTED_TS + " = :ts, "
                        + RunItems.STARTED_AT + " = :now, " + task
                        + RunItems.DEADLINE + " = :nowSeconds + " + RunItems.FIRST_WINDOW + ", "
                        + RunItems.DEADLINE_KIND + " = " + RunItems.FIRST_KIND + ", "
                        + RunItems.END_BY + " = :nowSeconds + " + RunItems.MAX_DURATION,
                // a run waiting for a file starts only after its dispatch, which removes awaitKey
                "#status = :scheduled AND " + RunItems.TOKEN_HASH + " = :hash AND attribute_not_exists("
                        + RunItems.AWAIT_KEY + ")",
                values);
    }

    @Override
    public Optional<Run> markStopped(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                     StopReport report, Optional<LogRef> log) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":end", text(report.status().name()));
        values.put(":endShard", text(RunItems.statusShard(report.status(), id)));
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(stopped.epochSeconds()));
        values.put(":now", text(receivedAt.toString()));
        var update = new StringBuilder("SET #status = :end, " + RunItems.STATUS_SHARD + " = :endShard, " + RunItems.STOPPED_TS + " = :ts, "
                + RunItems.STOPPED_AT + " = :now");
        setOutcome(update, values, report, log);
        update.append(" REMOVE ").append(String.join(", ", RunItems.LIVE_SHARD, RunItems.DEADLINE, RunItems.DEADLINE_KIND));
        return transition(id, update.toString(),
                "#status = :running AND " + RunItems.TOKEN_HASH + " = :hash AND " + RunItems.STARTED_TS + " <= :ts",
                values);
    }

    /** The exit code and log a stop reports, whether on time or late. */
    private static void setOutcome(StringBuilder update, Map<String, AttributeValue> values, StopReport report,
                                   Optional<LogRef> log) {
        report.exitCode().ifPresent(code -> {
            update.append(", ").append(RunItems.EXIT_CODE).append(" = :exit");
            values.put(":exit", number(code));
        });
        log.ifPresent(ref -> {
            update.append(", ").append(RunItems.LOG_LOCATION).append(" = :log, ")
                    .append(RunItems.LOG_BYTES).append(" = :bytes");
            values.put(":log", text(ref.location()));
            values.put(":bytes", number(ref.bytes()));
            ref.sha256().ifPresent(digest -> {
                update.append(", ").append(RunItems.LOG_SHA256).append(" = :sha256");
                values.put(":sha256", text(digest));
            });
            if (ref.utf8()) {
                update.append(", ").append(RunItems.LOG_UTF8).append(" = :utf8");
                values.put(":utf8", AttributeValue.fromBool(true));
            }
        });
    }

    @Override
    public Optional<Run> recordHeartbeat(RunId id, TokenHash tokenHash, Heartbeat heartbeat) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(heartbeat.ts().epochSeconds()));
        values.put(":now", text(heartbeat.receivedAt().toString()));
        values.put(":nowSeconds", number(heartbeat.receivedAt().getEpochSecond()));
        values.put(":heartbeat", text(DeadlineKind.HEARTBEAT.name()));
        var set = new StringBuilder("SET " + RunItems.HEARTBEAT_TS + " = :ts, " + RunItems.HEARTBEAT_AT + " = :now, "
                + RunItems.DEADLINE + " = :nowSeconds + " + RunItems.BEAT_WINDOW + ", " + RunItems.DEADLINE_KIND + " = :heartbeat");
        var remove = new ArrayList<String>();
        heartbeat.progress().ifPresentOrElse(progress -> {
            set.append(", ").append(RunItems.PROGRESS).append(" = :progress");
            values.put(":progress", number(progress));
        }, () -> remove.add(RunItems.PROGRESS));
        heartbeat.message().ifPresentOrElse(message -> {
            set.append(", ").append(RunItems.MESSAGE).append(" = :message");
            values.put(":message", text(message));
        }, () -> remove.add(RunItems.MESSAGE));
        // counted in the same write, so concurrent heartbeats are all counted
        values.put(":one", number(1));
        String update = set + " ADD " + RunItems.HEARTBEAT_COUNT + " :one"
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return transitionItem(id, update, "#status = :running AND " + RunItems.TOKEN_HASH + " = :hash", values)
                .map(item -> capAtMaximumDuration(id, item));
    }

    /**
     * Update expressions can add but not take a minimum, so a heartbeat near the end of the maximum
     * duration may set a deadline past it; a second write, rare and conditional, pulls it back.
     */
    private Run capAtMaximumDuration(RunId id, Map<String, AttributeValue> item) {
        Run run = RunItems.run(item);
        long deadline = Long.parseLong(item.get(RunItems.DEADLINE).n());
        long endBy = Long.parseLong(item.get(RunItems.END_BY).n());
        if (deadline <= endBy) {
            return run;
        }
        var values = new HashMap<String, AttributeValue>();
        values.put(":written", number(deadline));
        values.put(":max", text(DeadlineKind.MAX_DURATION.name()));
        values.put(":running", text(RunStatus.RUNNING.name()));
        return transition(id, "SET " + RunItems.DEADLINE + " = " + RunItems.END_BY + ", " + RunItems.DEADLINE_KIND + " = :max",
                RunItems.DEADLINE + " = :written AND #status = :running", values).orElse(run);
    }

    @Override
    public Optional<Run> recordLateStop(RunId id, TokenHash tokenHash, ClientTime stopped, Instant receivedAt,
                                        StopReport report, Optional<LogRef> log) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":lost", text(RunStatus.LOST.name()));
        values.put(":hash", text(tokenHash.hex()));
        values.put(":ts", number(stopped.epochSeconds()));
        values.put(":now", text(receivedAt.toString()));
        values.put(":reported", text(report.status().name()));
        var update = new StringBuilder("SET " + RunItems.STOPPED_TS + " = :ts, " + RunItems.STOPPED_AT + " = :now, "
                + RunItems.REPORTED_STATUS + " = :reported");
        setOutcome(update, values, report, log);
        return transition(id, update.toString(),
                "#status = :lost AND " + RunItems.TOKEN_HASH + " = :hash AND attribute_not_exists(" + RunItems.STOPPED_TS + ")",
                values);
    }

    @Override
    public List<Run> overdue(Instant now, int max) {
        List<Run> overdue = new ArrayList<>();
        for (int shard = 0; shard < RunItems.LIST_SHARDS && overdue.size() < max; shard++) {
            String liveShard = "live#" + shard;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                int limit = max - overdue.size();
                var page = ServiceFailures.call("DynamoDB Query", () -> dynamo.get().query(query -> query.tableName(table)
                        .indexName(BY_DEADLINE)
                        .keyConditionExpression(RunItems.LIVE_SHARD + " = :shard AND " + RunItems.DEADLINE + " <= :now")
                        .expressionAttributeValues(Map.of(":shard", text(liveShard), ":now", number(now.getEpochSecond())))
                        .limit(limit)
                        .exclusiveStartKey(from)));
                page.items().forEach(item -> overdue.add(RunItems.run(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && overdue.size() < max);
        }
        return overdue;
    }

    @Override
    public Optional<Run> markLost(RunId id, Deadline missed, String reason, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":lost", text(RunStatus.LOST.name()));
        values.put(":lostShard", text(RunItems.statusShard(RunStatus.LOST, id)));
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":missed", number(missed.at().getEpochSecond()));
        values.put(":kind", text(missed.kind().name()));
        values.put(":now", text(now.toString()));
        values.put(":reason", text(reason));
        return transition(id,
                "SET #status = :lost, " + RunItems.STATUS_SHARD + " = :lostShard, " + RunItems.LOST_AT + " = :now, "
                        + RunItems.LOST_REASON + " = :reason REMOVE " + RunItems.LIVE_SHARD + ", " + RunItems.DEADLINE + ", "
                        // an ended run waits for nothing: it leaves the RunsByAwaitedFile index too
                        + RunItems.DEADLINE_KIND + ", " + RunItems.AWAIT_KEY,
                "(#status = :scheduled OR #status = :running) AND " + RunItems.DEADLINE + " = :missed AND "
                        + RunItems.DEADLINE_KIND + " = :kind",
                values);
    }

    @Override
    public Optional<Run> markDispatchPending(RunId id, Instant retryAt) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":retry", number(retryAt.getEpochSecond()));
        values.put(":dispatch", text(DeadlineKind.DISPATCH.name()));
        values.put(":liveShard", text(RunItems.liveShard(id)));
        return transition(id,
                "SET " + RunItems.DEADLINE + " = :retry, " + RunItems.DEADLINE_KIND + " = :dispatch, "
                        + RunItems.LIVE_SHARD + " = :liveShard",
                "#status = :scheduled", values);
    }

    @Override
    public Optional<Run> rotateForDispatch(RunId id, Deadline missed, TokenHash newTokenHash, Deadline startBy) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":missed", number(missed.at().getEpochSecond()));
        values.put(":dispatch", text(DeadlineKind.DISPATCH.name()));
        values.put(":hash", text(newTokenHash.hex()));
        values.put(":startBy", number(startBy.at().getEpochSecond()));
        values.put(":start", text(startBy.kind().name()));
        return transition(id,
                "SET " + RunItems.TOKEN_HASH + " = :hash, " + RunItems.DEADLINE + " = :startBy, "
                        + RunItems.DEADLINE_KIND + " = :start",
                "#status = :scheduled AND " + RunItems.DEADLINE + " = :missed AND " + RunItems.DEADLINE_KIND + " = :dispatch",
                values);
    }

    @Override
    public Optional<Run> recordLaunchFailure(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                             int retries, Duration firstDelay) {
        var values = launchFailureValues(launched, revoked, at, reason, retries);
        values.put(":nowSeconds", number(at.getEpochSecond()));
        values.put(":firstDelay", number(firstDelay.toSeconds()));
        values.put(":dispatch", text(DeadlineKind.DISPATCH.name()));
        values.put(":liveShard", text(RunItems.liveShard(id)));
        // The delay doubles from one failure to the next without a read: launchBackoff holds the delay of the next
        // retry, and DynamoDB can add but not multiply, so the next one is the last one added to itself.
        String backoff = "if_not_exists(" + RunItems.LAUNCH_BACKOFF + ", :firstDelay)";
        return transition(id,
                "SET " + LAUNCH_FAILURE_SET + ", " + RunItems.DEADLINE + " = :nowSeconds + " + backoff + ", "
                        + RunItems.LAUNCH_BACKOFF + " = " + backoff + " + " + backoff + ", "
                        + RunItems.DEADLINE_KIND + " = :dispatch, " + RunItems.LIVE_SHARD + " = :liveShard"
                        + " ADD " + RunItems.LAUNCH_FAILURES + " :one",
                LAUNCH_FAILURE_CONDITION + " AND (attribute_not_exists(" + RunItems.LAUNCH_FAILURES + ") OR "
                        + RunItems.LAUNCH_FAILURES + " < :retries)",
                values);
    }

    @Override
    public Optional<Run> markLaunchFailedLost(RunId id, TokenHash launched, TokenHash revoked, Instant at, String reason,
                                              int retries, String lostReason) {
        var values = launchFailureValues(launched, revoked, at, reason, retries);
        values.put(":lost", text(RunStatus.LOST.name()));
        values.put(":lostShard", text(RunItems.statusShard(RunStatus.LOST, id)));
        values.put(":lostReason", text(lostReason));
        // a run that may not be launched again gives up at its first failure, counted or not
        String earlier = retries == 0 ? "" : " AND " + RunItems.LAUNCH_FAILURES + " >= :retries";
        if (retries == 0) {
            values.remove(":retries");
        }
        return transition(id,
                "SET " + LAUNCH_FAILURE_SET + ", #status = :lost, " + RunItems.STATUS_SHARD + " = :lostShard, "
                        + RunItems.LOST_AT + " = :at, " + RunItems.LOST_REASON + " = :lostReason"
                        + " ADD " + RunItems.LAUNCH_FAILURES + " :one"
                        + " REMOVE " + String.join(", ", RunItems.LIVE_SHARD, RunItems.DEADLINE, RunItems.DEADLINE_KIND,
                        RunItems.AWAIT_KEY, RunItems.LAUNCH_BACKOFF),
                LAUNCH_FAILURE_CONDITION + earlier,
                values);
    }

    /** What both launch-failure writes set: the failure's time and reason, and the revoked token's place taken. */
    private static final String LAUNCH_FAILURE_SET = RunItems.LAUNCH_FAILED_AT + " = :at, "
            + RunItems.LAUNCH_FAILURE_REASON + " = :reason, " + RunItems.TOKEN_HASH + " = :revoked";
    /** Only a run still waiting to start, still holding the token the failed launch carried. */
    private static final String LAUNCH_FAILURE_CONDITION = "#status = :scheduled AND " + RunItems.TOKEN_HASH + " = :launched";

    private static HashMap<String, AttributeValue> launchFailureValues(TokenHash launched, TokenHash revoked, Instant at,
                                                                       String reason, int retries) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":launched", text(launched.hex()));
        values.put(":revoked", text(revoked.hex()));
        values.put(":at", text(at.toString()));
        values.put(":reason", text(reason));
        values.put(":retries", number(retries));
        values.put(":one", number(1));
        return values;
    }

    @Override
    public List<Run> waitingFor(String awaitKey) {
        var runs = new ArrayList<Run>();
        // the paginator calls DynamoDB as it is iterated, so the whole iteration is the call
        ServiceFailures.run("DynamoDB Query", () -> {
            for (var page : dynamo.get().queryPaginator(query -> query.tableName(table).indexName(AWAITED_FILE_INDEX)
                    .keyConditionExpression(RunItems.AWAIT_KEY + " = :key")
                    .expressionAttributeValues(Map.of(":key", text(awaitKey))))) {
                page.items().forEach(item -> runs.add(RunItems.run(item)));
            }
        });
        return runs;
    }

    @Override
    public Optional<Run> endWait(RunId id, String awaitKey, TokenHash tokenHash) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":key", text(awaitKey));
        values.put(":hash", text(tokenHash.hex()));
        return transition(id,
                "SET " + RunItems.TOKEN_HASH + " = :hash REMOVE " + RunItems.AWAIT_KEY,
                "#status = :scheduled AND " + RunItems.AWAIT_KEY + " = :key",
                values);
    }

    @Override
    public Optional<Run> markCancelled(RunId id, String reason, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":cancelled", text(RunStatus.CANCELLED.name()));
        values.put(":cancelledShard", text(RunItems.statusShard(RunStatus.CANCELLED, id)));
        values.put(":scheduled", text(RunStatus.SCHEDULED.name()));
        values.put(":running", text(RunStatus.RUNNING.name()));
        values.put(":now", text(now.toString()));
        values.put(":reason", text(reason));
        return transition(id,
                "SET #status = :cancelled, " + RunItems.STATUS_SHARD + " = :cancelledShard, " + RunItems.CANCELLED_AT
                        + " = :now, " + RunItems.CANCEL_REASON + " = :reason REMOVE " + RunItems.LIVE_SHARD + ", "
                        + RunItems.DEADLINE + ", " + RunItems.DEADLINE_KIND + ", " + RunItems.AWAIT_KEY,
                "#status = :scheduled OR #status = :running",
                values);
    }

    @Override
    public Optional<StoredRun> find(RunId id) {
        return read(id).map(RunItems::stored);
    }

    private Optional<Map<String, AttributeValue>> read(RunId id) {
        var item = ServiceFailures.call("DynamoDB GetItem",
                () -> dynamo.get().getItem(get -> get.tableName(table).key(RunItems.key(id)).consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private Optional<Run> transition(RunId id, String update, String condition, Map<String, AttributeValue> values) {
        return transitionItem(id, update, condition, values).map(RunItems::run);
    }

    /** One conditional UpdateItem returning the whole new item, or empty when the condition failed. */
    private Optional<Map<String, AttributeValue>> transitionItem(RunId id, String update, String condition,
                                                                 Map<String, AttributeValue> values) {
        try {
            var response = ServiceFailures.call("DynamoDB UpdateItem", () -> dynamo.get().updateItem(request -> request.tableName(table)
                    .key(RunItems.key(id))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(STATUS_NAME)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)));
            return Optional.of(response.attributes());
        } catch (ConditionalCheckFailedException e) {
            return retried(e) ? appliedEarlier(id, update, values) : Optional.empty();
        }
    }

    /** Whether the SDK sent the call more than once: an earlier attempt may have been applied, its answer lost. */
    private static boolean retried(ConditionalCheckFailedException refusal) {
        return refusal.numAttempts() != null && refusal.numAttempts() > 1;
    }

    /**
     * The item after a refused retry of this very update, if an earlier attempt applied it: the item still holds
     * every value the update set from a placeholder (the receive time to the millisecond, a fresh token hash …),
     * so the write is this call's own, and the call goes on as if its first answer had come back. Otherwise empty:
     * the condition failed on someone else's change.
     */
    private Optional<Map<String, AttributeValue>> appliedEarlier(RunId id, String update, Map<String, AttributeValue> values) {
        Optional<Map<String, AttributeValue>> item = read(id);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        Matcher set = SET_CLAUSE.matcher(update);
        if (!set.find()) {
            return Optional.empty();
        }
        int compared = 0;
        for (String assignment : set.group(1).split(",")) {
            Matcher pair = PLACEHOLDER_ASSIGNMENT.matcher(assignment.strip());
            if (pair.matches()) {
                String attribute = STATUS_NAME.getOrDefault(pair.group(1), pair.group(1));
                if (!values.get(pair.group(2)).equals(item.get().get(attribute))) {
                    return Optional.empty();
                }
                compared++;
            }
        }
        if (compared == 0) {
            return Optional.empty();
        }
        FunctionLog.warn(id, "an earlier attempt of this update was applied; its answer was lost");
        return item;
    }

    private static final Pattern SET_CLAUSE = Pattern.compile("^SET (.*?)(?: REMOVE .*)?$");
    private static final Pattern PLACEHOLDER_ASSIGNMENT = Pattern.compile("(#?\\w+) = (:\\w+)");
}
