package lackey.aws;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.run.ClientTime;
import lackey.run.LogRef;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunSpec;
import lackey.run.RunStatus;
import lackey.run.RunStore;
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

    /*
     * Listing keys. Runs are spread over LIST_SHARDS partitions of each index (by id), so 1,000 new runs
     * a second are ~125 a second per partition, and a newest-first page is a merge of LIST_SHARDS
     * queries. LIST_ORDER sorts by schedule time, then id: 13-digit epoch millis and 12-digit id.
     */
    static final int LIST_SHARDS = 8;
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
        run.spec().command().ifPresent(command -> item.put(COMMAND, text(command)));
        if (!run.spec().params().isEmpty()) {
            var params = new LinkedHashMap<String, AttributeValue>();
            run.spec().params().forEach((key, value) -> params.put(key, scalar(value)));
            item.put(PARAMS, AttributeValue.fromM(params));
        }
        if (!run.spec().tags().isEmpty()) {
            item.put(TAGS, AttributeValue.fromL(run.spec().tags().stream().map(RunItems::text).toList()));
        }
        return item;
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
        var spec = new RunSpec(item.get(NAME).s(), optionalText(item, COMMAND), params, tags);
        Optional<LogRef> log = optionalText(item, LOG_LOCATION)
                .map(location -> new LogRef(location, Long.parseLong(item.get(LOG_BYTES).n())));
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
                log);
    }

    /** Partition key of the by-time index: "runs#" and the run's shard. */
    static String listShard(RunId id) {
        return "runs#" + shard(id);
    }

    /** Partition key of the by-status index; every transition that changes the status sets it anew. */
    static String statusShard(RunStatus status, RunId id) {
        return status.name() + "#" + shard(id);
    }

    static String listOrder(Instant scheduledAt, RunId id) {
        return String.format("%013d#%012d", scheduledAt.toEpochMilli(), id.value());
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
