package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of GET /api/runs: its parameters, the window they make, cursors, and how a page ends. */
class RunQueryTest {

    private static final Instant T = Instant.parse("2026-11-27T18:00:00Z");

    @Test
    void noParametersListTheNewestFiftyOfEverything() {
        RunQuery query = RunQuery.fromParameters(Map.of());
        assertEquals(RunQuery.newest(50), query);
        assertEquals(50, query.limit());
        assertTrue(query.before().isEmpty() && query.notBefore().isEmpty());
        assertFalse(query.filtersBeyondKeys());
        assertFalse(query.windowIsEmpty());
    }

    @Test
    void readsEveryFilter() {
        RunQuery query = RunQuery.fromParameters(Map.of("status", "RUNNING", "name", "sweep-", "tag", "gpu",
                "from", "2026-11-27T18:00:00Z", "to", Long.toString(T.getEpochSecond() + 3600), "limit", "1000"));
        assertEquals(Optional.of(RunStatus.RUNNING), query.status());
        assertEquals(Optional.of("sweep-"), query.namePrefix(), "a name prefix is kept as given");
        assertEquals(Optional.of("gpu"), query.tag());
        assertEquals(Optional.of(T), query.from());
        assertEquals(Optional.of(T.plusSeconds(3600)), query.to(), "unix seconds");
        assertEquals(1000, query.limit());
        assertTrue(query.filtersBeyondKeys());
    }

    @Test
    void acceptsInstantsWithAnOffsetButNotAPlusTheQueryStringTurnedIntoASpace() {
        assertEquals(Optional.of(T), RunQuery.fromParameters(Map.of("from", "2026-11-27T20:00:00+02:00")).from());
        InvalidInput space = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("from", "2026-11-27T20:00:00 02:00")));
        assertTrue(space.getMessage().contains("%2B"), space.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"running", " RUNNING", "RUNNING ", "Running"})
    void readsAStatusExactlyAsTheApiWritesIt(String status) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("status", status)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF15", "05", "+5", " 5", "5 ", "\u0665"})
    void readsALimitOnlyInTheOneFormOfWholeNumbers(String limit) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("limit", limit)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123", "+1764000000", " 1764000000", "1764000000 ", "\uFF11\uFF17\uFF16\uFF14\uFF10\uFF10\uFF10\uFF10\uFF10\uFF10"})
    void readsUnixSecondsOnlyInTheOneFormOfWholeNumbers(String from) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("from", from)));
    }

    @ParameterizedTest
    @ValueSource(strings = {" gpu", "gpu ", "g\u0000pu", "gp\nu"})
    void takesATagFilterExactlyAsTagsAreKept(String tag) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("tag", tag)));
    }

    @Test
    void takesANamePrefixThatEndsInASpaceButNoControlCharacters() {
        assertEquals(Optional.of("my "), RunQuery.fromParameters(Map.of("name", "my ")).namePrefix());
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("name", "my\n")));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("name", " my")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "abc", "1.5", "9999999999", " "})
    void refusesALimitOutsideOneToAThousand(String limit) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("limit", limit)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DONE", "RUN", "RUNNING,FINISHED", ""})
    void refusesAnUnknownStatus(String status) {
        InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("status", status)));
        assertFalse(problem.getMessage().isBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-11-27", "2026-11-27T18:00", "-5", "1e9", "1969-12-31T23:59:59Z",
            "+1000000000-01-01T00:00:00Z", "2300-01-01T00:00:00Z", "9999999999999"})
    void refusesTimesThatAreNotInstantsOrUnixSecondsInRange(String time) {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("from", time)));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("to", time)));
    }

    @Test
    void refusesAWindowThatEndsBeforeItStarts() {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("from", "1764270000", "to", "1764270000")));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("from", "1764270001", "to", "1764270000")));
    }

    @Test
    void refusesUnknownParametersSoATypoIsNotSilentlyIgnored() {
        InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("stauts", "RUNNING")));
        assertTrue(problem.getMessage().contains("stauts"), problem.getMessage());
    }

    @Test
    void refusesEmptyValuesAndOverlongNamesAndTags() {
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("name", "")));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("cursor", "")));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("name", "n".repeat(RunSpec.MAX_NAME + 1))));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("tag", "t".repeat(RunSpec.MAX_TAG + 1))));
        assertEquals(RunSpec.MAX_NAME, RunQuery.fromParameters(Map.of("name", "n".repeat(RunSpec.MAX_NAME)))
                .namePrefix().orElseThrow().length());
    }

    // ---- cursors

    @Test
    void cursorRoundTripsAsUrlSafeText() {
        RunCursor cursor = new RunCursor(T.toEpochMilli(), 123_456);
        String text = RunQuery.fromParameters(Map.of()).cursorFor(cursor);
        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
        assertEquals(Optional.of(cursor), RunQuery.fromParameters(Map.of("cursor", text)).cursor());
    }

    @Test
    void cursorMayComeBackWithAnotherLimit() {
        RunCursor cursor = new RunCursor(T.toEpochMilli(), 42);
        String text = RunQuery.fromParameters(Map.of("tag", "gpu", "limit", "10")).cursorFor(cursor);
        RunQuery next = RunQuery.fromParameters(Map.of("tag", "gpu", "limit", "200", "cursor", text));
        assertEquals(Optional.of(cursor), next.cursor());
        assertEquals(200, next.limit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a cursor", "!!!!", "MTo=", "MTphYmM6MQ", "MjoxOjE", "MToxOjE6MQ", "MTotMToy",
            "MToxMjM0NTY3ODkwMTIzNDoxCg", "a+b/", "MToxOjE==",
            // a cursor of the old, unchecked form: what README.md once showed as an example
            "MToxNzY0MjM0MDAwMDAwOjQy"})
    void malformedCursorIsBadInput(String cursor) {
        InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("cursor", cursor)));
        assertTrue(problem.getMessage().contains("cursor"), problem.getMessage());
    }

    @Test
    void editedCursorIsBadInput() {
        String text = RunQuery.fromParameters(Map.of()).cursorFor(new RunCursor(T.toEpochMilli(), 123_456));
        String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        for (String edited : List.of(plain.replace(":123456:", ":123457:"), plain.replace(":123456:", ":1:"),
                plain.replace(Long.toString(T.toEpochMilli()), Long.toString(T.toEpochMilli() - 1)))) {
            assertFalse(edited.equals(plain), edited);
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(edited.getBytes(StandardCharsets.US_ASCII));
            InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("cursor", forged)));
            assertTrue(problem.getMessage().contains("cursor"), problem.getMessage());
        }
    }

    @Test
    void cursorComesBackOnlyWithTheFiltersItWasMadeFor() {
        Map<String, String> filters = Map.of("status", "RUNNING", "name", "sweep-", "tag", "gpu",
                "from", "2026-11-27T00:00:00Z", "to", "2026-11-28T00:00:00Z");
        String text = RunQuery.fromParameters(filters).cursorFor(new RunCursor(T.toEpochMilli(), 9));
        var same = new java.util.HashMap<>(filters);
        same.put("cursor", text);
        assertEquals(9, RunQuery.fromParameters(same).cursor().orElseThrow().id());
        for (String changed : filters.keySet()) {
            var other = new java.util.HashMap<>(same);
            other.remove(changed);
            assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(other), "without " + changed);
        }
        var otherTag = new java.util.HashMap<>(same);
        otherTag.put("tag", "cpu");
        InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(otherTag));
        assertTrue(problem.getMessage().contains("same"), problem.getMessage());
    }

    @Test
    void overlongCursorIsRefusedBeforeDecoding() {
        String huge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("2:1:" + "1".repeat(500)).getBytes(StandardCharsets.US_ASCII));
        assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("cursor", huge)));
    }

    @Test
    void cursorsOrderByTimeThenId() {
        assertTrue(new RunCursor(2, 1).compareTo(new RunCursor(1, 9)) > 0);
        assertTrue(new RunCursor(2, 1).compareTo(new RunCursor(2, 2)) < 0);
        assertEquals(0, new RunCursor(2, 2).compareTo(new RunCursor(2, 2)));
    }

    // ---- the window

    @Test
    void windowEndsAtTheOlderOfCursorAndTo() {
        RunCursor early = new RunCursor(T.toEpochMilli() - 5, 7);
        RunQuery query = RunQuery.fromParameters(Map.of("to", T.toString(), "cursor", cursor(Map.of("to", T.toString()), early)));
        assertEquals(Optional.of(early), query.before(), "the cursor is older than to");
        RunQuery later = RunQuery.fromParameters(Map.of("to", T.toString(),
                "cursor", cursor(Map.of("to", T.toString()), new RunCursor(T.toEpochMilli() + 5, 7))));
        assertEquals(Optional.of(new RunCursor(T.toEpochMilli(), 0)), later.before(), "to is older than the cursor");
    }

    @Test
    void fromIsInclusiveAndToExclusiveToTheMillisecond() {
        RunQuery query = RunQuery.fromParameters(Map.of("from", "2026-11-27T18:00:00.000500Z", "to", "2026-11-27T18:00:01Z"));
        // schedule times are whole milliseconds: a bound half-way through one acts as the next
        assertEquals(Optional.of(new RunCursor(T.toEpochMilli() + 1, 0)), query.notBefore());
        assertEquals(Optional.of(new RunCursor(T.toEpochMilli() + 1000, 0)), query.before());
    }

    @Test
    void cursorBelowFromLeavesAnEmptyWindow() {
        RunQuery query = RunQuery.fromParameters(Map.of("from", T.toString(),
                "cursor", cursor(Map.of("from", T.toString()), new RunCursor(T.toEpochMilli(), 0))));
        assertTrue(query.windowIsEmpty());
        assertFalse(RunQuery.fromParameters(Map.of("from", T.toString(),
                "cursor", cursor(Map.of("from", T.toString()), new RunCursor(T.toEpochMilli(), 1)))).windowIsEmpty(),
                "run 0 at from is still inside");
    }

    // ---- pages

    @Test
    void pageThatFoundOneRunMoreThanItsLimitHasACursorAtItsLastRun() {
        List<Run> found = runs(6);
        RunPage page = RunPage.of(found, 5);
        assertEquals(found.subList(0, 5), page.runs());
        assertEquals(Optional.of(RunCursor.at(found.get(4))), page.next());
    }

    @Test
    void pageThatFoundNoMoreThanItsLimitIsTheLast() {
        assertEquals(Optional.empty(), RunPage.of(runs(5), 5).next());
        assertEquals(Optional.empty(), RunPage.of(List.of(), 5).next());
        assertThrows(IllegalArgumentException.class, () -> RunPage.of(runs(7), 5));
    }

    @Test
    void continuingKeepsTheFiltersAndMovesTheCursor() {
        RunQuery query = RunQuery.fromParameters(Map.of("tag", "gpu", "limit", "3"));
        RunCursor next = new RunCursor(5, 5);
        RunQuery continued = query.continuingAt(next);
        assertEquals(Optional.of(next), continued.cursor());
        assertEquals(query.tag(), continued.tag());
        assertEquals(query.limit(), continued.limit());
    }

    /** The cursor text a page of a query with these filters hands out at {@code place}. */
    private static String cursor(Map<String, String> filters, RunCursor place) {
        return RunQuery.fromParameters(filters).cursorFor(place);
    }

    /** Runs newest first, one millisecond apart. */
    private static List<Run> runs(int count) {
        List<Run> runs = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> runs.add(Run.scheduled(new RunId(count - i),
                new RunSpec("run-" + i, Optional.empty(), Map.of(), List.of()), T.minusMillis(i))));
        return runs;
    }
}
