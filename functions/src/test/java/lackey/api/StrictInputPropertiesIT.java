package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import lackey.api.RawCalls.Snapshot;
import lackey.aws.LocalAws;
import lackey.probe.GeneratedCases;
import lackey.probe.MalformedRequests;
import lackey.probe.MalformedRequests.Fixtures;
import lackey.probe.MalformedRequests.Route;
import lackey.probe.MalformedRequests.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Property: a request that is valid but for one part is refused with a 4xx and a JSON error, and changes
 * nothing, on every route. {@value #CASES_PER_ROUTE} generated requests a route ({@link MalformedRequests}: a real
 * run's id and token, a fresh ts, and one part spoiled), handed to the handlers as API Gateway would, against the
 * emulators. "Changes nothing" is checked every {@value #CHUNK} requests (every request with
 * {@code -Dlackey.probe.everyCase=true}): the aimed-at runs' DynamoDB items and S3 objects, the id counter (a
 * refused schedule or sweep spends no id) and the events on the bus (a refused call publishes none).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictInputPropertiesIT {

    static final int CASES_PER_ROUTE = 1_000;
    static final int CHUNK = 250;

    private static final LocalAws AWS = LocalAws.get();
    private static final GeneratedCases CASES = GeneratedCases.fromSystemProperty();
    private static final boolean EVERY_CASE = Boolean.getBoolean("lackey.probe.everyCase");

    private Fixtures fixtures;
    private final Map<Route, String> report = new TreeMap<>();

    /** What the requests may not change. */
    private record State(Snapshot scheduled, Snapshot running, Snapshot ended, String lastId, int events) {
    }

    @BeforeAll
    void runsToAimAt() throws InterruptedException {
        var handlers = new RawCalls.Handlers(AWS);
        Target scheduled = schedule(handlers, "probe-scheduled");
        Target running = schedule(handlers, "probe-running");
        start(handlers, running);
        Target ended = schedule(handlers, "probe-ended");
        start(handlers, ended);
        var stopped = RawCalls.invoke(handlers.of(RawCalls.Route.STOP), RawCalls.form(RawCalls.Route.STOP, Long.toString(ended.id()),
                "token=" + ended.token() + "&ts=" + now() + "&exit=0&log=probe%0A"));
        assertEquals(200, stopped.status(), stopped.rawBody());
        fixtures = new Fixtures(scheduled, running, ended);
        settle();
    }

    @AfterAll
    void printWhatWasThrown() {
        System.out.println("StrictInputPropertiesIT, " + CASES.replay() + ":");
        report.forEach((route, line) -> System.out.println("  " + route + ": " + line));
    }

    private static Target schedule(RawCalls.Handlers handlers, String name) {
        var answer = RawCalls.invoke(handlers.of(RawCalls.Route.SCHEDULE), RawCalls.form(RawCalls.Route.SCHEDULE, "", "name=" + name));
        assertEquals(201, answer.status(), answer.rawBody());
        return new Target(answer.body().get("id").asLong(), answer.body().get("token").asText());
    }

    private static void start(RawCalls.Handlers handlers, Target run) {
        var answer = RawCalls.invoke(handlers.of(RawCalls.Route.START), RawCalls.form(RawCalls.Route.START, Long.toString(run.id()),
                "token=" + run.token() + "&ts=" + (now() - 60)));
        assertEquals(200, answer.status(), answer.rawBody());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Waits until the bus has delivered what it will: delivery is asynchronous. */
    private static void settle() throws InterruptedException {
        int seen = -1;
        while (seen != AWS.delivered.size()) {
            seen = AWS.delivered.size();
            Thread.sleep(300);
        }
    }

    private State state() {
        AttributeValue lastId = AWS.dynamo.getItem(get -> get.tableName(LocalAws.TABLE).consistentRead(true)
                .key(Map.of("id", AttributeValue.fromN("0")))).item().get("lastId");
        return new State(Snapshot.of(AWS, fixtures.scheduled().id()), Snapshot.of(AWS, fixtures.running().id()),
                Snapshot.of(AWS, fixtures.ended().id()), lastId == null ? "none" : lastId.n(), AWS.delivered.size());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Route.class)
    void aRequestValidButForOnePartIsRefusedWithAJsonErrorAndChangesNothing(Route route) throws InterruptedException {
        String property = "malformed " + route;
        long begin = System.nanoTime();
        Map<Integer, Integer> statuses = new TreeMap<>();
        java.util.Set<String> spoilers = new java.util.TreeSet<>();
        long bodyBytes = 0;
        int eventsAtStart = AWS.delivered.size();
        for (int first = 0; first < CASES_PER_ROUTE; first += CHUNK) {
            // fresh handlers, as fresh containers: a schedule that spent an id would reserve a block, which the counter shows
            var handlers = new RawCalls.Handlers(AWS);
            State before = state();
            int end = Math.min(first + CHUNK, CASES_PER_ROUTE);
            for (int index = first; index < end; index++) {
                MalformedRequests.Request request = MalformedRequests.generate(CASES.caseRandom(property, index), route, fixtures);
                spoilers.add(request.spoiled().replaceAll(" (in|of|for|around|before) .*", ""));
                bodyBytes += request.body().length;
                SampleEvents.Answer answer;
                try {
                    answer = RawCalls.invoke(handlers.of(RawCalls.Route.valueOf(route.name())),
                            RawCalls.event(RawCalls.Route.valueOf(route.name()), request.id(), request.rawQuery(), request.contentType(),
                                    request.body(), request.base64()));
                    RawCalls.assertRefused(answer, request.describe());
                } catch (AssertionError | RuntimeException failed) {
                    throw CASES.failure(property, index, request.describe(), failed);
                }
                statuses.merge(answer.status(), 1, Integer::sum);
                if (EVERY_CASE) {
                    State after = state();
                    if (!after.equals(before)) {
                        throw CASES.failure(property, index, request.describe() + " changed " + before + " into " + after, null);
                    }
                }
            }
            State after = state();
            if (!after.equals(before)) {
                throw CASES.failure(property, first, "one of cases " + first + " to " + (end - 1) + " changed " + before + " into "
                        + after + " (-Dlackey.probe.everyCase=true names the case)", null);
            }
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        report.put(route, CASES_PER_ROUTE + " requests, " + spoilers.size() + " kinds of spoiled part, answers " + statuses
                + ", " + bodyBytes / 1024 + " KiB of bodies, " + millis + " ms");
        settle();
        assertEquals(eventsAtStart, AWS.delivered.size(), property + ": a refused request publishes no event, " + CASES.replay());
    }
}
