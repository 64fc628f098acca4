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
        RunQuery query = RunQuery.fromParameters(Map.of("status", "running", "name", "sweep-", "tag", " gpu ",
                "from", "2026-11-27T18:00:00Z", "to", Long.toString(T.getEpochSecond() + 3600), "limit", "1000"));
        assertEquals(Optional.of(RunStatus.RUNNING), query.status(), "status is read whatever its case");
        assertEquals(Optional.of("sweep-"), query.namePrefix(), "a name prefix is kept as given");
        assertEquals(Optional.of("gpu"), query.tag(), "tags are stored stripped, so the filter is too");
        assertEquals(Optional.of(T), query.from());
        assertEquals(Optional.of(T.plusSeconds(3600)), query.to(), "unix seconds");
        assertEquals(1000, query.limit());
        assertTrue(query.filtersBeyondKeys());
    }

    @Test
    void acceptsInstantsWithAnOffsetEvenWhenTheQueryStringTurnedThePlusIntoASpace() {
        assertEquals(Optional.of(T), RunQuery.fromParameters(Map.of("from", "2026-11-27T20:00:00+02:00")).from());
        assertEquals(Optional.of(T), RunQuery.fromParameters(Map.of("from", "2026-11-27T20:00:00 02:00")).from());
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
        String text = cursor.encode();
        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
        assertEquals(cursor, RunCursor.parse(text));
        assertEquals(Optional.of(cursor), RunQuery.fromParameters(Map.of("cursor", text)).cursor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a cursor", "!!!!", "MTo=", "MTphYmM6MQ", "MjoxOjE", "MToxOjE6MQ", "MTotMToy",
            "MToxMjM0NTY3ODkwMTIzNDoxCg", "a+b/", "MToxOjE=="})
    void malformedCursorIsBadInput(String cursor) {
        InvalidInput problem = assertThrows(InvalidInput.class, () -> RunQuery.fromParameters(Map.of("cursor", cursor)));
        assertTrue(problem.getMessage().contains("cursor"), problem.getMessage());
    }

    @Test
    void overlongCursorIsRefusedBeforeDecoding() {
        String huge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("1:1:" + "1".repeat(500)).getBytes(StandardCharsets.US_ASCII));
        assertThrows(InvalidInput.class, () -> RunCursor.parse(huge));
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
        RunQuery query = RunQuery.fromParameters(Map.of("to", T.toString(), "cursor", early.encode()));
        assertEquals(Optional.of(early), query.before(), "the cursor is older than to");
        RunQuery later = RunQuery.fromParameters(Map.of("to", T.toString(), "cursor", new RunCursor(T.toEpochMilli() + 5, 7).encode()));
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
                "cursor", new RunCursor(T.toEpochMilli(), 0).encode()));
        assertTrue(query.windowIsEmpty());
        assertFalse(RunQuery.fromParameters(Map.of("from", T.toString(),
                "cursor", new RunCursor(T.toEpochMilli(), 1).encode())).windowIsEmpty(), "run 0 at from is still inside");
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

    /** Runs newest first, one millisecond apart. */
    private static List<Run> runs(int count) {
        List<Run> runs = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> runs.add(Run.scheduled(new RunId(count - i),
                new RunSpec("run-" + i, Optional.empty(), Map.of(), List.of()), T.minusMillis(i))));
        return runs;
    }
}
