package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs as {@code lackey ls} shows them, one line each like {@code squeue}: id, name, status, when scheduled and
 * started (local time), how long it ran (so far, while RUNNING), its last heartbeat's progress, exit code and tags.
 */
final class RunTable {

    static final List<TextTable.Column> COLUMNS = List.of(
            new TextTable.Column("ID", true, 0, 0),
            new TextTable.Column("NAME", false, 8, 0),
            new TextTable.Column("STATUS", false, 0, 0),
            new TextTable.Column("SCHEDULED", false, 0, 3),
            new TextTable.Column("STARTED", false, 0, 4),
            new TextTable.Column("DURATION", true, 0, 2),
            new TextTable.Column("PROGRESS", true, 0, 5),
            new TextTable.Column("EXIT", true, 0, 1),
            new TextTable.Column("TAGS", false, 6, 6));

    private RunTable() {
    }

    static List<String> render(List<JsonNode> runs, Instant now, ZoneId zone, int width) {
        List<List<String>> rows = new ArrayList<>(runs.size());
        for (JsonNode run : runs) {
            rows.add(row(run, now, zone));
        }
        return TextTable.render(COLUMNS, rows, width);
    }

    static List<String> row(JsonNode run, Instant now, ZoneId zone) {
        String scheduled = run.hasNonNull("scheduledAt")
                ? TimeText.shortInstant(Instant.parse(run.get("scheduledAt").asText()), now, zone) : "";
        String started = run.hasNonNull("started")
                ? TimeText.shortInstant(Instant.ofEpochSecond(run.get("started").asLong()), now, zone) : "";
        List<String> tags = new ArrayList<>();
        run.path("tags").forEach(tag -> tags.add(tag.asText()));
        return List.of(
                run.path("id").asText(),
                oneLine(run.path("name").asText()),
                run.path("status").asText() + (run.path("dispatchPending").asBoolean(false) ? "*" : ""),
                scheduled,
                started,
                duration(run, now),
                run.path("heartbeat").hasNonNull("progress") ? run.path("heartbeat").get("progress").asInt() + "%" : "",
                run.hasNonNull("exitCode") ? run.get("exitCode").asText() : "",
                oneLine(String.join(",", tags)));
    }

    /** The run's duration: as reported once it stopped, else the time since its start while it is RUNNING. */
    static String duration(JsonNode run, Instant now) {
        if (run.hasNonNull("duration")) {
            return TimeText.duration(run.get("duration").asLong());
        }
        if (run.path("status").asText().equals("RUNNING") && run.hasNonNull("started")) {
            return TimeText.duration(Math.max(0, now.getEpochSecond() - run.get("started").asLong()));
        }
        return "";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}", " ");
    }
}
