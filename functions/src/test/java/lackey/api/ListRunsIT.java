package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.RequestCounter;
import lackey.aws.RunImport;
import lackey.run.ClientTime;
import lackey.run.Deadline;
import lackey.run.DeadlineKind;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunSpec;
import lackey.run.RunStatus;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/runs} end to end against dynalite: the handler, the catalog and the table's listing
 * indexes. Most runs here are written straight into the table at chosen schedule times, each test in
 * its own window in 2001, so the tests select exactly their own runs whatever else the table holds.
 */
class ListRunsIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final AtomicLong IDS = new AtomicLong(500_000_000_000L);
    private static final AtomicLong WINDOWS = new AtomicLong();

    private final ListRunsHandler list = new ListRunsHandler(AWS.catalog());
    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());

    /** A day of 2001 nobody else uses: runs are scheduled inside it, a second apart unless said otherwise. */
    private final Instant window = Instant.parse("2001-01-01T00:00:00Z").plus(Duration.ofDays(WINDOWS.incrementAndGet()));

    // ---- order

    @Test
    void listsNewestFirstAcrossShardsWithTiesBrokenByTheLargerId() throws Exception {
        // 40 runs, four to a millisecond, ids handed out so that id order and time order disagree
        List<Run> runs = seed(40, i -> run("order-" + i, window.plusMillis(10 - i / 4)));
        List<Long> listed = ids(list(mine("limit", "100")));
        assertEquals(newestFirst(runs), listed);
        assertEquals(40, listed.size());
    }

    @Test
    void listsTheRunsJustScheduledFirstWhenNothingIsFiltered() throws Exception {
        List<Long> scheduled = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Answer answer = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> "name=fresh"));
            assertEquals(201, answer.status(), answer.rawBody());
            scheduled.add(answer.body().get("id").asLong());
        }
        JsonNode page = list(Map.of("limit", "3"));
        assertEquals(scheduled.reversed(), ids(page));
        assertEquals("SCHEDULED", page.get("runs").get(0).get("status").asText());
        assertFalse(page.toString().contains("token"), "a listing never shows tokens, nor their hashes");
    }

    @Test
    void eachRunIsShownAsGetShowsIt() throws Exception {
        Answer scheduled = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-json.json"));
        long id = scheduled.body().get("id").asLong();
        JsonNode listed = list(Map.of("limit", "1")).get("runs").get(0);
        JsonNode got = SampleEvents.invoke(new GetRunHandler(AWS.lifecycle()), SampleEvents.http("get-run.json", id, b -> b)).body();
        assertEquals(got, listed);
    }

    // ---- filters

    @Test
    void filtersByNamePrefix() throws Exception {
        List<String> names = List.of("alpha-1", "alphabet", "beta-alpha", "alp", "alpha-2", "Alpha-3");
        List<Run> runs = seed(names.size(), i -> run(names.get(i), window.plusSeconds(i)));
        JsonNode page = list(mine("name", "alpha"));
        assertEquals(List.of("alpha-2", "alphabet", "alpha-1"), names(page), "begins with, case-sensitive, newest first");
        assertEquals(runs.size(), ids(list(mine())).size());
    }

    @Test
    void filtersByExactTag() throws Exception {
        List<List<String>> tags = List.of(List.of("gpu", "large"), List.of("gpu-2"), List.of(), List.of("small", "gpu"), List.of("GPU"));
        seed(tags.size(), i -> run("tagged-" + i, window.plusSeconds(i), tags.get(i)));
        assertEquals(List.of("tagged-3", "tagged-0"), names(list(mine("tag", "gpu"))),
                "an element equal to the tag, not a substring of one");
        assertEquals(List.of(), names(list(mine("tag", "medium"))));
    }

    @Test
    void filtersByScheduleTimeFromInclusiveToExclusive() throws Exception {
        seed(10, i -> run("timed-" + i, window.plusSeconds(10L * i)));
        long fromSeconds = window.plusSeconds(20).getEpochSecond();
        // unix seconds and ISO-8601 instants mean the same thing
        assertEquals(List.of("timed-4", "timed-3", "timed-2"),
                names(list(Map.of("from", Long.toString(fromSeconds), "to", window.plusSeconds(50).toString()))));
        assertEquals(List.of("timed-4", "timed-3", "timed-2"),
                names(list(Map.of("from", window.plusSeconds(20).toString(), "to", Long.toString(fromSeconds + 30)))));
        assertEquals(List.of("timed-1", "timed-0"),
                names(list(mine("to", window.plusSeconds(11).toString(), "limit", "5"))));
    }

    @Test
    void filtersByStatus() throws Exception {
        RunStatus[] statuses = {RunStatus.SCHEDULED, RunStatus.RUNNING, RunStatus.FINISHED, RunStatus.RUNNING, RunStatus.FAILED};
        seed(statuses.length, i -> withStatus(run("status-" + i, window.plusSeconds(i)), statuses[i]));
        assertEquals(List.of("status-3", "status-1"), names(list(mine("status", "RUNNING"))));
        assertEquals(List.of("status-4"), names(list(mine("status", "FAILED"))));
        assertEquals(List.of(), names(list(mine("status", "LOST"))));
    }

    @Test
    void filtersCombine() throws Exception {
        seed(12, i -> withStatus(run((i % 2 == 0 ? "even-" : "odd-") + i, window.plusSeconds(i), i % 3 == 0 ? List.of("third") : List.of()),
                i < 6 ? RunStatus.FINISHED : RunStatus.FAILED));
        JsonNode page = list(mine("to", window.plusSeconds(10).toString(),
                "status", "FAILED", "name", "even-", "tag", "third"));
        assertEquals(List.of("even-6"), names(page));
    }

    @Test
    void aStatusChangeMovesARunBetweenStatusPages() throws Exception {
        String name = "mover-" + window.toEpochMilli();
        Answer scheduled = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> "name=" + name));
        long id = scheduled.body().get("id").asLong();
        String token = scheduled.body().get("token").asText();
        assertEquals(List.of(id), ids(list(Map.of("status", "SCHEDULED", "name", name))));
        assertEquals(List.of(), ids(list(Map.of("status", "RUNNING", "name", name))));

        Answer started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", id,
                b -> b.replace(SampleEvents.SEED_TOKEN, token)));
        assertEquals(200, started.status(), started.rawBody());

        assertEquals(List.of(), ids(list(Map.of("status", "SCHEDULED", "name", name))), "gone from SCHEDULED");
        JsonNode running = list(Map.of("status", "RUNNING", "name", name));
        assertEquals(List.of(id), ids(running), "now under RUNNING");
        assertEquals("RUNNING", running.get("runs").get(0).get("status").asText());
        assertEquals(List.of(id), ids(list(Map.of("name", name))), "and still once in the unfiltered listing");
    }

    // ---- paging

    @Test
    void pagingWithTheCursorVisitsEveryRunExactlyOnceInOrder() throws Exception {
        List<Run> runs = seed(37, i -> run("page-" + i, window.plusMillis(i / 3)));
        List<Long> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Map<String, String> query = new LinkedHashMap<>(mine("limit", "5"));
        while (true) {
            JsonNode page = list(query);
            seen.addAll(ids(page));
            sizes.add(page.get("runs").size());
            if (!page.has("cursor")) {
                break;
            }
            String cursor = page.get("cursor").asText();
            assertTrue(cursor.matches("[A-Za-z0-9_-]+"), "base64url: " + cursor);
            query.put("cursor", cursor);
        }
        assertEquals(newestFirst(runs), seen);
        assertEquals(List.of(5, 5, 5, 5, 5, 5, 5, 2), sizes, "full pages, and no cursor after the last");
    }

    @Test
    void pagingAFilteredListingVisitsEveryMatchExactlyOnce() throws Exception {
        List<Run> runs = seed(90, i -> run("sparse-" + i, window.plusSeconds(i), i % 7 == 0 ? List.of("seventh") : List.of()));
        List<Run> tagged = runs.stream().filter(r -> r.spec().tags().contains("seventh")).toList();
        List<Long> seen = new ArrayList<>();
        Map<String, String> query = new LinkedHashMap<>(mine("tag", "seventh", "limit", "4"));
        int pages = 0;
        while (true) {
            JsonNode page = list(query);
            pages++;
            seen.addAll(ids(page));
            if (!page.has("cursor")) {
                break;
            }
            query.put("cursor", page.get("cursor").asText());
        }
        assertEquals(newestFirst(tagged), seen);
        assertEquals(seen.size(), new HashSet<>(seen).size());
        assertEquals(4, pages, "13 matches in pages of 4");
    }

    @Test
    void anEmptyWindowIsAnEmptyLastPage() throws Exception {
        JsonNode page = list(mine("to", window.plusSeconds(1).toString()));
        assertEquals(0, page.get("runs").size());
        assertFalse(page.has("cursor"));
    }

    // ---- limits

    @Test
    void limitDefaultsToFiftyAndGoesUpToAThousand() throws Exception {
        List<Run> runs = seed(1001, i -> run("many-" + i, window.plusMillis(i)));
        JsonNode first = list(mine());
        assertEquals(newestFirst(runs).subList(0, 50), ids(first));
        assertTrue(first.has("cursor"));

        JsonNode thousand = list(mine("limit", "1000"));
        assertEquals(newestFirst(runs).subList(0, 1000), ids(thousand));
        JsonNode rest = list(mine("limit", "1000", "cursor", thousand.get("cursor").asText()));
        assertEquals(newestFirst(runs).subList(1000, 1001), ids(rest));
        assertFalse(rest.has("cursor"));

        assertEquals(1, list(mine("limit", "1")).get("runs").size());
    }

    @Test
    void badCursorLimitStatusAndTimesAreBadInput() throws Exception {
        for (Map<String, String> bad : List.of(
                Map.of("cursor", "not-a-cursor"),
                Map.of("cursor", "a+b/"),
                Map.of("limit", "0"),
                Map.of("limit", "1001"),
                Map.of("limit", "fifty"),
                Map.of("status", "DONE"),
                Map.of("from", "yesterday"),
                Map.of("from", "1764270001", "to", "1764270000"),
                Map.of("colour", "blue"))) {
            Answer answer = invoke(bad);
            assertEquals(400, answer.status(), bad + " -> " + answer.rawBody());
            assertEquals("invalid_input", answer.body().get("error").asText(), bad.toString());
            assertFalse(answer.body().get("message").asText().isBlank());
        }
    }

    @Test
    void aParameterGivenTwiceIsBadInputWhicheverItIs() throws Exception {
        // API Gateway joins a repeated parameter's values with commas; the raw query string still shows the repeat
        for (String name : List.of("tag", "status", "name", "limit")) {
            ObjectNode event = SampleEvents.http("list-runs.json");
            event.putObject("queryStringParameters").put(name, "a,b");
            event.put("rawQueryString", name + "=a&" + name + "=b");
            Answer answer = SampleEvents.invoke(list, event);
            assertEquals(400, answer.status(), name + " -> " + answer.rawBody());
            assertEquals("invalid_input", answer.body().get("error").asText());
            assertTrue(answer.body().get("message").asText().contains(name + " is given 2 times"), answer.rawBody());
        }
    }

    @Test
    void aCursorOfAnotherListingOrAnEditedOneIsBadInput() throws Exception {
        seed(3, i -> run("cursor-" + i, window.plusSeconds(i), List.of("gpu")));
        String cursor = list(mine("tag", "gpu", "limit", "1")).get("cursor").asText();
        assertEquals(1, ids(list(mine("tag", "gpu", "limit", "1", "cursor", cursor))).size(), "the same filters take it");
        for (Map<String, String> wrong : List.of(mine("limit", "1", "cursor", cursor), mine("tag", "cpu", "cursor", cursor),
                mine("tag", "gpu", "cursor", cursor.substring(0, cursor.length() - 2) + "AA"),
                mine("tag", "gpu", "cursor", "MToxNzY0MjM0MDAwMDAwOjQy"))) {
            Answer answer = invoke(wrong);
            assertEquals(400, answer.status(), wrong + " -> " + answer.rawBody());
            assertTrue(answer.body().get("message").asText().contains("cursor"), answer.rawBody());
        }
    }

    // ---- cost

    @Test
    void aPageIsOneQueryPerShardOnTheIndexAndNeverAScan() throws Exception {
        seed(30, i -> run("cost-" + i, window.plusSeconds(i)));
        RequestCounter.reset();
        assertEquals(10, ids(list(mine("limit", "10"))).size());
        assertEquals(List.of("DynamoDb.Query"), RequestCounter.operations().stream().distinct().toList());
        assertEquals(8, RequestCounter.operations().size(), "one Query per shard: " + RequestCounter.operations());
    }

    @Test
    void theSampleEventListsRunningRuns() throws Exception {
        Run newest = seed(1, i -> withStatus(run("sample", Instant.now().truncatedTo(ChronoUnit.MILLIS)), RunStatus.RUNNING)).getFirst();
        Answer answer = SampleEvents.invoke(list, SampleEvents.http("list-runs.json"));
        assertEquals(200, answer.status(), answer.rawBody());
        assertEquals(newest.id().value(), answer.body().get("runs").get(0).get("id").asLong());
        answer.body().get("runs").forEach(run -> assertEquals("RUNNING", run.get("status").asText()));
        assertTrue(answer.body().get("runs").size() <= 20);
    }

    @Test
    void anEventWithoutAQueryStringListsTheNewestRuns() throws Exception {
        ObjectNode event = SampleEvents.http("list-runs.json");
        event.remove("queryStringParameters");
        event.put("rawQueryString", "");
        Answer answer = SampleEvents.invoke(list, event);
        assertEquals(200, answer.status(), answer.rawBody());
        assertTrue(answer.body().get("runs").isArray());
    }

    // ---- helpers

    private List<Run> seed(int count, IntFunction<Run> run) {
        List<Run> runs = IntStream.range(0, count).mapToObj(run).toList();
        RunImport.write(AWS.dynamo, LocalAws.TABLE, runs);
        return runs;
    }

    private static Run run(String name, Instant scheduledAt) {
        return run(name, scheduledAt, List.of());
    }

    private static Run run(String name, Instant scheduledAt, List<String> tags) {
        return Run.scheduled(new RunId(IDS.incrementAndGet()), new RunSpec(name, Optional.empty(), Map.of(), tags), scheduledAt);
    }

    /** The run as the API would show it in that status: started, stopped and live deadlines as they would be. */
    private static Run withStatus(Run run, RunStatus status) {
        boolean started = status != RunStatus.SCHEDULED;
        boolean stopped = status.isFinal();
        Instant at = run.scheduledAt().plusSeconds(1);
        Optional<Deadline> deadline = switch (status) {
            case SCHEDULED -> run.deadline();
            case RUNNING -> Optional.of(new Deadline(at.plus(run.spec().timeouts().maxDuration()), DeadlineKind.MAX_DURATION));
            default -> Optional.empty();
        };
        return new Run(run.id(), run.spec(), status, run.scheduledAt(),
                started ? Optional.of(new ClientTime(at.getEpochSecond())) : Optional.empty(),
                started ? Optional.of(at) : Optional.empty(),
                stopped ? Optional.of(new ClientTime(at.getEpochSecond() + 5)) : Optional.empty(),
                stopped ? Optional.of(at.plusSeconds(5)) : Optional.empty(),
                status == RunStatus.FAILED ? Optional.of(1) : Optional.empty(),
                Optional.empty(), Optional.empty(), deadline, Optional.empty(), Optional.empty());
    }

    /** This test's window (its whole day) and the given parameters. */
    private Map<String, String> mine(String... pairs) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("from", window.toString());
        parameters.put("to", window.plus(Duration.ofDays(1)).toString());
        for (int i = 0; i < pairs.length; i += 2) {
            parameters.put(pairs[i], pairs[i + 1]);
        }
        return parameters;
    }

    private static List<Long> newestFirst(List<Run> runs) {
        return runs.stream()
                .sorted(Comparator.comparing(Run::scheduledAt).thenComparing(r -> r.id().value()).reversed())
                .map(r -> r.id().value())
                .toList();
    }

    private Answer invoke(Map<String, String> parameters) {
        ObjectNode event = SampleEvents.http("list-runs.json");
        ObjectNode query = event.putObject("queryStringParameters");
        parameters.forEach(query::put);
        event.put("rawQueryString", parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")));
        return SampleEvents.invoke(list, event);
    }

    private JsonNode list(Map<String, String> parameters) {
        Answer answer = invoke(parameters);
        assertEquals(200, answer.status(), parameters + " -> " + answer.rawBody());
        return answer.body();
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("runs").forEach(run -> ids.add(run.get("id").asLong()));
        return ids;
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("runs").forEach(run -> names.add(run.get("name").asText()));
        return names;
    }
}
