package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import lackey.emulators.FaultProxy.Fault;
import lackey.run.RunLifecycle;
import lackey.run.Unavailable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every step of a run's life while DynamoDB, S3 or EventBridge fails, through the handlers against the emulators
 * behind their fault proxies. While a fault lasts, a call that needs the failing service answers 503
 * {@code unavailable} with {@code Retry-After} (never a 200 that did not happen, never a bare 500); the very same
 * call sent again once the fault is gone converges, also when the first one was applied and only its answer was
 * lost; and what is stored stays whole: the item and its log agree, each event goes out at most once, a run that
 * cannot be dispatched waits for the sweeper instead of being dropped.
 */
class FaultsIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final String TASK = "arn:aws:ecs:us-east-1:000000000000:task/lackey-simulations/0123456789abcdef0123456789abcdef";
    /** Longer than any attempt's deadline (CallBudget): the caller gives up first. */
    private static final Duration LONGER_THAN_AN_ATTEMPT = Duration.ofSeconds(8);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final HeartbeatRunHandler heartbeat = new HeartbeatRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final CancelRunHandler cancel = new CancelRunHandler(AWS.lifecycle());
    private final GetRunHandler get = new GetRunHandler(AWS.lifecycle());
    private final ListRunsHandler list = new ListRunsHandler(AWS.catalog());
    private final LogUploadHandler logUpload = new LogUploadHandler(RunFiles.logs(AWS.config(), AWS.credentials));
    private final ScheduleSweepHandler sweep = new ScheduleSweepHandler(PublishingRuns.sweeps(AWS.config(), AWS.credentials));

    /** The faults a service can have. */
    enum Kind {
        REFUSED, SERVER_ERROR, THROTTLED, SLOW, CUT;

        Fault fault() {
            return switch (this) {
                case REFUSED -> Fault.refuse();
                case SERVER_ERROR -> Fault.serverError();
                case THROTTLED -> Fault.throttle();
                case SLOW -> Fault.slow(LONGER_THAN_AN_ATTEMPT);
                case CUT -> Fault.cutMidBody();
            };
        }

        /** Whether a write sent during the fault reaches the service (its answer is what gets lost). */
        boolean applies() {
            return this == SLOW || this == CUT;
        }

        long retryAfter() {
            return (this == THROTTLED ? Unavailable.AFTER_THROTTLING : Unavailable.AFTER_OUTAGE).toSeconds();
        }
    }

    @AfterEach
    void clearFaults() {
        AWS.clearFaults();
    }

    /** What a client saw while a fault lasted, one row per step, service and fault: printed after the tests. */
    private record Seen(Step step, String service, Kind kind, int status, String retryAfter, Duration took, int retryStatus) {
    }

    private static final List<Seen> SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The table RELIABILITY.md shows: {@code ./mvnw verify -pl infra/emulators,functions -Dit.test=FaultsIT …}. */
    @AfterAll
    static void printWhatClientsSaw() {
        var table = new StringBuilder("| step | service | fault | answer | Retry-After | answered after | the same call again |\n"
                + "|---|---|---|---|---|---|---|\n");
        SEEN.stream().sorted(java.util.Comparator.comparing((Seen seen) -> seen.service()).thenComparing(Seen::step)
                        .thenComparing(Seen::kind))
                .forEach(seen -> table.append(String.format(java.util.Locale.ROOT, "| %s | %s | %s | %d | %s | %.1f s | %d |%n",
                        seen.step().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), seen.service(),
                        seen.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), seen.status(), seen.retryAfter(),
                        seen.took().toMillis() / 1000.0, seen.retryStatus())));
        System.out.println("FaultsIT: what a client saw while a fault lasted (" + AWS.emulator + " emulators)\n" + table);
    }

    record Run(long id, String token) {
    }

    /** A call of a step, prepared on a run in the state it needs, sent as often as a test likes, always the same. */
    record Call(Optional<Run> run, Supplier<Answer> send, int success) {
    }

    /** The steps of a run's life that answer a client, with the services each needs. */
    enum Step {
        SCHEDULE, START, HEARTBEAT, STOP_WITH_LOG, LOG_UPLOAD, STOP_WITH_UPLOAD, CANCEL, GET, LIST, SWEEP;
    }

    private static final String LOG = "step 1\nstep 2: diverged ü\n";

    private Call prepare(Step step) {
        String name = "faults-" + UUID.randomUUID();
        return switch (step) {
            case SCHEDULE -> {
                var event = SampleEvents.http("schedule-run-form.json", 0, b -> "name=" + name + "&command=echo%20hi");
                yield new Call(Optional.empty(), () -> SampleEvents.invoke(schedule, event), 201);
            }
            case START -> {
                Run run = scheduled(name);
                var event = SampleEvents.http("start-run.json", run.id(), b -> "token=" + run.token() + "&ts=" + now() + "&task=" + form(TASK));
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(start, event), 200);
            }
            case HEARTBEAT -> {
                Run run = running(name);
                var event = SampleEvents.http("heartbeat-run.json", run.id(), b -> "token=" + run.token() + "&ts=" + now() + "&progress=40");
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(heartbeat, event), 200);
            }
            case STOP_WITH_LOG -> {
                Run run = running(name);
                var event = SampleEvents.http("stop-run.json", run.id(), b -> "token=" + run.token() + "&ts=" + now() + "&exit=0&log=" + form(LOG));
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(stop, event), 200);
            }
            case LOG_UPLOAD -> {
                Run run = running(name);
                var event = SampleEvents.http("log-upload.json", run.id(), b -> "token=" + run.token());
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(logUpload, event), 200);
            }
            case STOP_WITH_UPLOAD -> {
                Run run = running(name);
                String upload = uploaded(run, LOG);
                var event = SampleEvents.http("stop-run.json", run.id(), b -> "token=" + run.token() + "&ts=" + now() + "&exit=0&logUpload=" + form(upload));
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(stop, event), 200);
            }
            case CANCEL -> {
                Run run = running(name);
                var event = SampleEvents.http("cancel-run.json", run.id(), b -> "reason=" + form("wrong mesh"));
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(cancel, event), 200);
            }
            case GET -> {
                Run run = scheduled(name);
                var event = SampleEvents.http("get-run.json", run.id(), b -> b);
                yield new Call(Optional.of(run), () -> SampleEvents.invoke(get, event), 200);
            }
            case LIST -> {
                var event = SampleEvents.http("list-runs.json");
                yield new Call(Optional.empty(), () -> SampleEvents.invoke(list, event), 200);
            }
            case SWEEP -> {
                var event = SampleEvents.withBody(SampleEvents.http("schedule-sweep.json"), "application/json",
                        "{\"name\":\"" + name + "\",\"grid\":{\"lr\":[0.1,0.01]}}");
                yield new Call(Optional.empty(), () -> SampleEvents.invoke(sweep, event), 201);
            }
        };
    }

    // ---- while DynamoDB fails

    /** Every step that answers a client, with every fault. */
    static Stream<Arguments> everyStepWithEveryFault() {
        return Arrays.stream(Step.values()).flatMap(step -> Arrays.stream(Kind.values()).map(kind -> Arguments.of(step, kind)));
    }

    static Stream<Arguments> theStopsWithEveryFault() {
        return Stream.of(Step.STOP_WITH_LOG, Step.STOP_WITH_UPLOAD)
                .flatMap(step -> Arrays.stream(Kind.values()).map(kind -> Arguments.of(step, kind)));
    }

    @ParameterizedTest(name = "{0} while DynamoDB is {1}")
    @MethodSource("everyStepWithEveryFault")
    void everyStepAnswers503WhileDynamoDbFailsAndTheSameCallConvergesAfterwards(Step step, Kind kind) {
        Call call = prepare(step);
        Map<String, AttributeValue> before = call.run().map(run -> item(run.id())).orElse(Map.of());
        AWS.dynamoFaults.fail(kind.fault());
        long started = System.nanoTime();
        Answer during = call.send().get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertUnavailable(during, kind);
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "answered within DynamoDB's call deadline, not " + took);
        if (!kind.applies()) {
            call.run().ifPresent(run -> assertEquals(before, item(run.id()), "nothing was written"));
        }

        AWS.clearFaults();
        Answer after = call.send().get();
        SEEN.add(new Seen(step, "DynamoDB", kind, during.status(), during.header("retry-after"), took, after.status()));
        assertEquals(call.success(), after.status(), after.rawBody());
        call.run().ifPresent(run -> {
            assertConsistent(step, run, after);
            assertPublishedAtMostOnce(step, run);
        });
    }

    // ---- while S3 fails

    @ParameterizedTest(name = "{0} while S3 is {1}")
    @MethodSource("theStopsWithEveryFault")
    void aStopWithALogAnswers503WhileS3FailsAndTheSameCallConvergesAfterwards(Step step, Kind kind) {
        Call call = prepare(step);
        Run run = call.run().orElseThrow();
        Map<String, AttributeValue> before = item(run.id());
        AWS.s3Faults.fail(kind.fault());
        long started = System.nanoTime();
        Answer during = call.send().get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertUnavailable(during, kind);
        assertTrue(took.compareTo(Duration.ofSeconds(7)) < 0, "answered within S3's call deadline, not " + took);
        assertEquals(before, item(run.id()), "the stop waits for its log: nothing was written");

        AWS.clearFaults();
        Answer after = call.send().get();
        SEEN.add(new Seen(step, "S3", kind, during.status(), during.header("retry-after"), took, after.status()));
        assertEquals(200, after.status(), after.rawBody());
        assertConsistent(step, run, after);
        assertPublishedAtMostOnce(step, run);
    }

    // ---- while EventBridge fails

    @ParameterizedTest(name = "{0} while EventBridge is {1}")
    @EnumSource(Kind.class)
    void transitionsAreStoredWhileEventBridgeFailsAndTheAnswerSaysTheEventDidNotGoOut(Kind kind) {
        Call scheduling = prepare(Step.SCHEDULE);
        Call starting = prepare(Step.START);
        Call stopping = prepare(Step.STOP_WITH_LOG);
        Call cancelling = prepare(Step.CANCEL);
        AWS.eventFaults.fail(kind.fault());

        Answer scheduled = scheduling.send().get();
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        assertTrue(scheduled.body().path("warnings").toString().contains("Run Scheduled"), scheduled.rawBody());
        assertTrue(scheduled.body().path("dispatchPending").asBoolean(), "the sweeper will publish it: " + scheduled.rawBody());

        Answer started = starting.send().get();
        assertEquals(200, started.status(), started.rawBody());
        assertTrue(started.body().path("warnings").toString().contains("Run Started"), started.rawBody());
        assertEquals("RUNNING", item(starting.run().orElseThrow().id()).get("status").s());

        long stopSent = System.nanoTime();
        Answer stopped = stopping.send().get();
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopSent);
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertTrue(stopped.body().path("warnings").toString().contains("Run Stopped"), stopped.rawBody());
        assertConsistent(Step.STOP_WITH_LOG, stopping.run().orElseThrow(), stopped);

        Answer cancelled = cancelling.send().get();
        assertEquals(200, cancelled.status(), cancelled.rawBody());
        assertTrue(cancelled.body().path("warnings").toString().contains("Run Cancelled"), cancelled.rawBody());
        assertEquals("CANCELLED", item(cancelling.run().orElseThrow().id()).get("status").s());

        AWS.clearFaults();
        Answer again = stopping.send().get();
        SEEN.add(new Seen(Step.STOP_WITH_LOG, "EventBridge", kind, stopped.status(), "-", stopTook, again.status()));
        assertEquals(200, again.status(), "the stop, sent again, is its own retry: " + again.rawBody());
        assertFalse(again.body().has("warnings"), "a retry publishes nothing, so it has nothing to warn of");
        int published = events(stopping.run().orElseThrow().id(), "Run Stopped").size();
        if (kind.applies()) {
            // EventBridge took the event but its answer was lost, so the SDK sent it again: at least once, maybe more
            assertTrue(published >= 1, "published " + published + " times");
        } else {
            assertEquals(0, published, "the event that could not be published is not made up later");
        }
    }

    // ---- the write was applied, its answer lost

    @Test
    void aWriteWhoseAnswerWasCutOnceIsRecognisedAsItsOwnAndItsEventGoesOutOnce() {
        Call starting = prepare(Step.START);
        AWS.dynamoFaults.failNext(1, Fault.cutMidBody(), "UpdateItem");
        Answer started = starting.send().get();
        assertEquals(200, started.status(), "the SDK's second attempt found the first one's write: " + started.rawBody());
        assertFalse(started.body().has("warnings"), started.rawBody());
        assertEquals(1, events(starting.run().orElseThrow().id(), "Run Started").size());

        Call stopping = prepare(Step.STOP_WITH_LOG);
        AWS.dynamoFaults.failNext(1, Fault.slow(LONGER_THAN_AN_ATTEMPT), "UpdateItem");
        Answer stopped = stopping.send().get();
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertConsistent(Step.STOP_WITH_LOG, stopping.run().orElseThrow(), stopped);
        assertEquals(1, events(stopping.run().orElseThrow().id(), "Run Stopped").size());

        Call cancelling = prepare(Step.CANCEL);
        AWS.dynamoFaults.failNext(1, Fault.cutMidBody(), "UpdateItem");
        assertEquals(200, cancelling.send().get().status());
        assertEquals(1, events(cancelling.run().orElseThrow().id(), "Run Cancelled").size(), "the task is stopped once");

        Call scheduling = prepare(Step.SCHEDULE);
        AWS.dynamoFaults.failNext(1, Fault.cutMidBody(), "PutItem");
        Answer scheduled = scheduling.send().get();
        assertEquals(201, scheduled.status(), "the run's own PutItem is no id clash: " + scheduled.rawBody());
        assertEquals(1, events(scheduled.body().get("id").asLong(), "Run Scheduled").size());
    }

    @Test
    void aStopAppliedButAnswered503IsA200WhenSentAgainAndItsLogIsTheOneKept() {
        Call stopping = prepare(Step.STOP_WITH_LOG);
        Run run = stopping.run().orElseThrow();
        AWS.dynamoFaults.fail(Fault.cutMidBody(), "UpdateItem");
        Answer during = stopping.send().get();
        assertUnavailable(during, Kind.CUT);
        var applied = item(run.id());
        assertEquals("FINISHED", applied.get("status").s(), "the write was applied; only every answer was lost");

        AWS.clearFaults();
        Answer again = stopping.send().get();
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(applied.get("logLocation").s(), again.body().get("log").get("location").asText(),
                "the log of the attempt that was applied");
        assertConsistent(Step.STOP_WITH_LOG, run, again);
        assertEquals(List.of(key(applied.get("logLocation").s())), logKeys(run.id()), "the retry's own copy was removed");
    }

    @Test
    void aScheduleAnswered503MayLeaveARunNobodyKnowsWhichIsNeverDispatchedAndIsLostAtItsStartTimeout() {
        Call scheduling = prepare(Step.SCHEDULE);
        AWS.dynamoFaults.fail(Fault.cutMidBody(), "PutItem");
        assertUnavailable(scheduling.send().get(), Kind.CUT);
        AWS.clearFaults();
        Answer again = scheduling.send().get();
        assertEquals(201, again.status(), again.rawBody());
        long id = again.body().get("id").asLong();
        // the runs of this name: the one scheduled now, and the one whose PutItem was applied without an answer
        var orphans = new ArrayList<Map<String, AttributeValue>>();
        String name = again.body().get("name").asText();
        for (var item : AWS.dynamo.scanPaginator(s -> s.tableName(LocalAws.TABLE).consistentRead(true)).items()) {
            if (item.containsKey("name") && item.get("name").s().equals(name) && Long.parseLong(item.get("id").n()) != id) {
                orphans.add(item);
            }
        }
        assertEquals(1, orphans.size(), "the write that was applied");
        var orphan = orphans.getFirst();
        assertEquals("SCHEDULED", orphan.get("status").s());
        assertEquals("START", orphan.get("deadlineKind").s(), "the sweeper declares it LOST at its start timeout");
        assertEquals(0, events(Long.parseLong(orphan.get("id").n()), "Run Scheduled").size(), "never dispatched");
        assertEquals(1, events(id, "Run Scheduled").size());
    }

    // ---- the sweeper and the outbox

    @Test
    void theSweeperFailsWhileDynamoDbFailsAndDeclaresTheRunLostOnceItIsBack() throws Exception {
        var clock = new OutboxIT.ShiftedClock();
        RunLifecycle runs = AWS.lifecycle(clock);
        var sweeper = new SweepRunsHandler(runs);
        Run run = scheduledWith("name=faults-sweeper&startTimeout=60");
        clock.advance(Duration.ofSeconds(120));

        AWS.dynamoFaults.fail(Fault.throttle());
        var failure = assertThrows(Unavailable.class, () -> sweep(sweeper),
                "the invocation fails; the schedule runs the sweeper again a minute later");
        assertTrue(failure.getMessage().contains("throttled"), failure.getMessage());
        assertEquals("SCHEDULED", item(run.id()).get("status").s());

        AWS.clearFaults();
        AWS.dynamoFaults.failNext(1, Fault.cutMidBody(), "UpdateItem");
        sweepUntil(sweeper, run.id());
        assertEquals("LOST", item(run.id()).get("status").s());
        assertEquals(1, events(run.id(), "Run Lost").size(), "its own write, recognised: Run Lost goes out once");
    }

    @Test
    void aDispatchThatCannotBePublishedWaitsThroughEveryFaultAndIsPublishedOnceWithAFreshToken() throws Exception {
        var clock = new OutboxIT.ShiftedClock();
        RunLifecycle runs = AWS.lifecycle(clock);
        var sweeper = new SweepRunsHandler(runs);
        var scheduler = new ScheduleRunHandler(runs);
        AWS.eventFaults.fail(Fault.serverError());
        Answer scheduled = SampleEvents.invoke(scheduler, SampleEvents.http("schedule-run-form.json", 0,
                b -> "name=faults-outbox&command=echo%20hi"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        assertTrue(scheduled.body().get("dispatchPending").asBoolean());

        clock.advance(RunLifecycle.REDISPATCH_AFTER.plusSeconds(5));
        sweepUntil(sweeper, id, "redispatched", false); // the bus still fails: it stays pending
        assertEquals("DISPATCH", item(id).get("deadlineKind").s(), "pending again, a minute later");

        clock.advance(RunLifecycle.REDISPATCH_AFTER.plusSeconds(5));
        AWS.clearFaults();
        AWS.dynamoFaults.fail(Fault.refuse());
        assertThrows(Unavailable.class, () -> sweep(sweeper));
        AWS.clearFaults();

        String oldHash = item(id).get("tokenHash").s();
        AWS.dynamoFaults.failNext(1, Fault.cutMidBody(), "UpdateItem");
        sweepUntil(sweeper, id, "redispatched", true);
        assertNotEquals(oldHash, item(id).get("tokenHash").s(), "a fresh token");
        var published = events(id, "Run Scheduled");
        assertEquals(1, published.size(), "published once, when it finally could be");
        var starter = new StartRunHandler(runs);
        Answer withOldToken = SampleEvents.invoke(starter, SampleEvents.http("start-run.json", id,
                b -> "token=" + scheduled.body().get("token").asText() + "&ts=" + now()));
        assertEquals(403, withOldToken.status(), "a container the first event may have reached cannot start it");
        Answer withNewToken = SampleEvents.invoke(starter, SampleEvents.http("start-run.json", id,
                b -> "token=" + published.getFirst().get("detail").get("token").asText() + "&ts=" + now()));
        assertEquals(200, withNewToken.status(), withNewToken.rawBody());
    }

    // ---- what the tests check

    private static void assertUnavailable(Answer answer, Kind kind) {
        assertEquals(503, answer.status(), answer.rawBody());
        assertEquals("unavailable", answer.body().path("error").asText(), answer.rawBody());
        assertFalse(answer.body().path("message").asText().isBlank(), answer.rawBody());
        assertEquals(Long.toString(kind.retryAfter()), answer.header("retry-after"), "Retry-After: " + answer.headers());
        assertFalse(answer.rawBody().contains("Exception") || answer.rawBody().contains("\tat "), "no stack: " + answer.rawBody());
    }

    /**
     * While DynamoDB or S3 fail, EventBridge works: an event goes out at most once (none at all when the write
     * was applied by a call that answered 503: its retry is answered as a repeat and publishes nothing).
     */
    private static void assertPublishedAtMostOnce(Step step, Run run) {
        String detailType = switch (step) {
            case START -> "Run Started";
            case STOP_WITH_LOG, STOP_WITH_UPLOAD -> "Run Stopped";
            case CANCEL -> "Run Cancelled";
            default -> null;
        };
        if (detailType != null) {
            int published = events(run.id(), detailType).size();
            assertTrue(published <= 1, detailType + " published " + published + " times");
        }
    }

    /** After convergence: the run is in the state the step leaves, and what it names is there. */
    private void assertConsistent(Step step, Run run, Answer answer) {
        var item = item(run.id());
        switch (step) {
            case START -> assertEquals("RUNNING", item.get("status").s());
            case HEARTBEAT -> assertEquals("40", item.get("progress").n());
            case STOP_WITH_LOG -> {
                assertEquals("FINISHED", item.get("status").s());
                byte[] stored = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key(item.get("logLocation").s()))).asByteArray();
                assertEquals(LOG, new String(stored, StandardCharsets.UTF_8), "the log the item names is there, whole");
                assertEquals(sha256(stored), item.get("logSha256").s());
                assertEquals(Long.toString(stored.length), item.get("logBytes").n());
            }
            case STOP_WITH_UPLOAD -> {
                assertEquals("FINISHED", item.get("status").s());
                byte[] stored = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(key(item.get("logLocation").s()))).asByteArray();
                assertEquals(LOG, new String(stored, StandardCharsets.UTF_8));
            }
            case CANCEL -> assertEquals("CANCELLED", item.get("status").s());
            case LOG_UPLOAD -> assertTrue(answer.body().get("url").asText().startsWith(AWS.s3Endpoint().toString()));
            case GET -> assertEquals(run.id(), answer.body().get("id").asLong());
            default -> {
            }
        }
    }

    // ---- helpers

    private Run scheduled(String name) {
        return scheduledWith("name=" + name);
    }

    private Run scheduledWith(String form) {
        Answer answer = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> form));
        assertEquals(201, answer.status(), answer.rawBody());
        return new Run(answer.body().get("id").asLong(), answer.body().get("token").asText());
    }

    private Run running(String name) {
        Run run = scheduled(name);
        Answer started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                b -> "token=" + run.token() + "&ts=" + now()));
        assertEquals(200, started.status(), started.rawBody());
        return run;
    }

    /** Asks for an upload URL and puts the log there, as a simulation with a large log does. */
    private String uploaded(Run run, String log) {
        Answer grant = SampleEvents.invoke(logUpload, SampleEvents.http("log-upload.json", run.id(), b -> "token=" + run.token()));
        assertEquals(200, grant.status(), grant.rawBody());
        try {
            var put = HTTP.send(HttpRequest.newBuilder(URI.create(grant.body().get("url").asText()))
                    .PUT(HttpRequest.BodyPublishers.ofString(log)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return grant.body().get("logUpload").asText();
    }

    private static JsonNode sweep(SweepRunsHandler sweeper) {
        var out = new ByteArrayOutputStream();
        try {
            sweeper.handleRequest(new ByteArrayInputStream(SampleEvents.text("scheduled-rule.json").getBytes(StandardCharsets.UTF_8)), out, null);
            return RunJson.MAPPER.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sweepUntil(SweepRunsHandler sweeper, long id) {
        sweepUntil(sweeper, id, "lost", true);
    }

    /** Sweeps until a sweep's {@code list} names the run (the table is shared: old runs may be overdue too). */
    private static void sweepUntil(SweepRunsHandler sweeper, long id, String list, boolean expected) {
        for (int round = 0; round < 50; round++) {
            JsonNode swept = sweep(sweeper);
            boolean named = false;
            for (JsonNode each : swept.get(list)) {
                named |= each.asLong() == id;
            }
            if (named) {
                assertTrue(expected, "run " + id + " was " + list);
                return;
            }
            if (swept.get("lost").isEmpty() && swept.get("redispatched").isEmpty()) {
                assertFalse(expected, "run " + id + " was never " + list);
                return;
            }
        }
        throw new AssertionError("the sweeper never ran out of overdue runs");
    }

    private static Map<String, AttributeValue> item(long id) {
        return AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE).consistentRead(true)
                .key(Map.of("id", AttributeValue.fromN(Long.toString(id))))).item();
    }

    private static List<String> logKeys(long id) {
        return AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + id + "/")).contents().stream()
                .map(object -> object.key()).toList();
    }

    /** The events of one type delivered for a run, after giving the bus a moment. */
    private static List<JsonNode> events(long id, String detailType) {
        try {
            Thread.sleep(300);
            var found = new ArrayList<JsonNode>();
            for (String event : AWS.delivered) {
                JsonNode node = RunJson.MAPPER.readTree(event);
                if (node.get("detail-type").asText().equals(detailType) && node.get("detail").get("id").asLong() == id) {
                    found.add(node);
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String key(String location) {
        return location.substring(("s3://" + LocalAws.BUCKET + "/").length());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
