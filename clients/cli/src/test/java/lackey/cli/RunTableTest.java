package lackey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTableTest {

    private static final Instant NOW = Instant.parse("2026-11-27T18:00:00Z");

    private static JsonNode run(String json) {
        return Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static final JsonNode FINISHED = run("""
            {"id":14,"name":"lr-sweep","status":"FINISHED","params":{},"tags":["sweep-11","demo"],
             "scheduledAt":"2026-11-27T17:00:03.412Z","started":1795798804,"stopped":1795799554,"duration":750,"exitCode":0}""");
    private static final JsonNode RUNNING = run("""
            {"id":9,"name":"a-very-long-simulation-name-that-goes-on","status":"RUNNING","tags":[],
             "scheduledAt":"2026-11-27T17:50:00.000Z","started":1795798800,"heartbeat":{"ts":1795802400,"progress":40}}""");
    private static final JsonNode SCHEDULED = run("""
            {"id":100,"name":"seed","status":"SCHEDULED","tags":["nightly"],"scheduledAt":"2026-11-26T09:00:00.000Z",
             "dispatch":true,"dispatchPending":true}""");

    @Test
    void aRowShowsEachColumnAsAPersonReadsIt() {
        assertEquals(List.of("14", "lr-sweep", "FINISHED", "17:00:03", "17:00:04", "12m30s", "", "0", "sweep-11,demo"),
                RunTable.row(FINISHED, NOW, ZoneOffset.UTC));
        assertEquals(List.of("9", "a-very-long-simulation-name-that-goes-on", "RUNNING", "17:50:00", "17:00:00", "1h00m", "40%", "", ""),
                RunTable.row(RUNNING, NOW, ZoneOffset.UTC), "a running run's duration is the time since its start");
        assertEquals("SCHEDULED*", RunTable.row(SCHEDULED, NOW, ZoneOffset.UTC).get(2), "a pending dispatch is marked");
        assertEquals("Nov 26 09:00", RunTable.row(SCHEDULED, NOW, ZoneOffset.UTC).get(3));
    }

    @Test
    void withoutALimitEveryColumnIsAsWideAsItsWidestCell() {
        List<String> lines = RunTable.render(List.of(SCHEDULED, RUNNING, FINISHED), NOW, ZoneOffset.UTC, 0);
        assertEquals(" ID  NAME                                      STATUS      SCHEDULED     STARTED   DURATION  PROGRESS  EXIT  TAGS",
                lines.get(0));
        assertEquals("100  seed                                      SCHEDULED*  Nov 26 09:00                                      nightly",
                lines.get(1));
        assertEquals("  9  a-very-long-simulation-name-that-goes-on  RUNNING     17:50:00      17:00:00     1h00m       40%",
                lines.get(2), "numbers align right, no trailing blanks");
    }

    @Test
    void aNarrowTerminalCutsNamesFirstThenLeavesOutTheLeastNeededColumns() {
        List<JsonNode> runs = List.of(RUNNING, FINISHED);
        List<String> wide = RunTable.render(runs, NOW, ZoneOffset.UTC, 0);
        List<String> cut = RunTable.render(runs, NOW, ZoneOffset.UTC, 100);
        cut.forEach(line -> assertTrue(line.length() <= 100, line.length() + ": " + line));
        assertTrue(cut.get(0).endsWith("TAGS"), "all columns still there: " + cut.get(0));
        assertTrue(cut.get(1).contains("a-very-long-simulation-…") && !cut.get(1).contains("goes-on"), cut.get(1));
        assertTrue(wide.get(0).length() > 100, "the test needs a table wider than 100: " + wide.get(0).length());

        List<String> narrow = RunTable.render(runs, NOW, ZoneOffset.UTC, 60);
        narrow.forEach(line -> assertTrue(line.length() <= 60, line.length() + ": " + line));
        assertEquals("ID  NAME       STATUS    SCHEDULED  STARTED   DURATION  EXIT", narrow.get(0), "tags and progress go first");
        assertEquals(" 9  a-very-l…  RUNNING   17:50:00   17:00:00     1h00m", narrow.get(1), "the name cut to fit");
    }

    @Test
    void idNameAndStatusStayEvenWhenNothingFits() {
        List<String> tiny = RunTable.render(List.of(FINISHED), NOW, ZoneOffset.UTC, 10);
        assertEquals("ID  NAME      STATUS", tiny.get(0));
        assertEquals("14  lr-sweep  FINISHED", tiny.get(1));
    }
}
