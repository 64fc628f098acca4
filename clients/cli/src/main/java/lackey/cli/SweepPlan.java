package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs of a sweep, one params object each, read from a grid, a CSV file or a JSON file, and cut into calls
 * the API takes: one {@code POST /api/runs} schedules at most {@value #MAX_RUNS_PER_CALL} runs whose params add
 * up to at most 3 million characters, so a larger sweep goes in several calls.
 */
final class SweepPlan {

    /** The API's limit per call. */
    static final int MAX_RUNS_PER_CALL = 10_000;
    /** Below the API's 3,000,000, with room for how it counts. */
    static final long MAX_PARAM_CHARS_PER_CALL = 2_500_000;
    /** A sweep larger than this is more likely a typo than a plan. */
    static final int MAX_RUNS = 1_000_000;

    private SweepPlan() {
    }

    /**
     * Every combination of the axes' values ({@code lr=0.1,0.01}), in the API's order: the last axis varies
     * fastest.
     */
    static List<ObjectNode> grid(List<String> axes) {
        List<String> keys = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();
        long size = 1;
        for (String axis : axes) {
            int equals = axis.indexOf('=');
            if (equals <= 0 || equals == axis.length() - 1) {
                throw CliFailure.usage("--grid takes key=value1,value2,…, not '" + axis + "'");
            }
            String key = axis.substring(0, equals).strip();
            if (keys.contains(key)) {
                throw CliFailure.usage("--grid names " + key + " twice", "give each param's values in one --grid");
            }
            List<String> axisValues = List.of(axis.substring(equals + 1).split(",", -1));
            if (axisValues.stream().anyMatch(String::isEmpty)) {
                throw CliFailure.usage("--grid " + key + " has an empty value: '" + axis + "'");
            }
            keys.add(key);
            values.add(axisValues);
            size *= axisValues.size();
            if (size > MAX_RUNS) {
                throw tooMany(size);
            }
        }
        List<ObjectNode> runs = new ArrayList<>((int) size);
        int[] index = new int[keys.size()];
        for (long n = 0; n < size; n++) {
            ObjectNode params = Json.MAPPER.createObjectNode();
            for (int k = 0; k < keys.size(); k++) {
                Params.put(params, keys.get(k), values.get(k).get(index[k]));
            }
            runs.add(params);
            for (int k = keys.size() - 1; k >= 0; k--) {
                if (++index[k] < values.get(k).size()) {
                    break;
                }
                index[k] = 0;
            }
        }
        return runs;
    }

    /** A CSV file: a header row of param names, then one row per run (values typed as {@link Params} types them). */
    static List<ObjectNode> csv(Path file) {
        List<String> lines = readLines(file);
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                rows.add(csvRow(line, file));
            }
        }
        if (rows.size() < 2) {
            throw CliFailure.usage(file + " needs a header row of param names and at least one row of values");
        }
        List<String> header = rows.getFirst();
        List<ObjectNode> runs = new ArrayList<>(rows.size() - 1);
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() != header.size()) {
                throw CliFailure.usage(file + ": row " + (r + 1) + " has " + row.size() + " values, the header " + header.size());
            }
            ObjectNode params = Json.MAPPER.createObjectNode();
            for (int c = 0; c < header.size(); c++) {
                Params.put(params, header.get(c).strip(), row.get(c));
            }
            runs.add(params);
        }
        limit(runs.size());
        return runs;
    }

    /** A JSON file: an array of params objects, one per run, as the API's {@code runs}. */
    static List<ObjectNode> json(Path file) {
        JsonNode array;
        try {
            array = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + file + " as JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw CliFailure.usage(file + " must hold a JSON array of params objects, e.g. [{\"seed\":1},{\"seed\":2}]");
        }
        List<ObjectNode> runs = new ArrayList<>(array.size());
        for (JsonNode run : array) {
            if (!run.isObject()) {
                throw CliFailure.usage(file + ": every item must be a params object, found " + run.getNodeType().name().toLowerCase());
            }
            runs.add((ObjectNode) run);
        }
        limit(runs.size());
        return runs;
    }

    /**
     * The runs cut into calls, in order: each at most {@value #MAX_RUNS_PER_CALL} runs and at most
     * {@value #MAX_PARAM_CHARS_PER_CALL} characters of params (the shared ones counted with each run's own).
     */
    static List<List<ObjectNode>> calls(List<ObjectNode> runs, ObjectNode shared) {
        int sharedChars = shared.toString().length();
        List<List<ObjectNode>> calls = new ArrayList<>();
        List<ObjectNode> call = new ArrayList<>();
        long chars = 0;
        for (ObjectNode run : runs) {
            long size = sharedChars + run.toString().length();
            if (!call.isEmpty() && (call.size() == MAX_RUNS_PER_CALL || chars + size > MAX_PARAM_CHARS_PER_CALL)) {
                calls.add(call);
                call = new ArrayList<>();
                chars = 0;
            }
            call.add(run);
            chars += size;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    private static void limit(long size) {
        if (size > MAX_RUNS) {
            throw tooMany(size);
        }
    }

    private static CliFailure tooMany(long size) {
        return CliFailure.usage("a sweep of " + size + " runs is more than " + MAX_RUNS + ", the most the CLI sends");
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + file + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        }
    }

    /** One CSV line: commas separate, double quotes enclose (a doubled quote inside is one quote). */
    static List<String> csvRow(String line, Path file) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c != '\r') {
                cell.append(c);
            }
        }
        if (quoted) {
            throw CliFailure.usage(file + ": a quote that never closes in: " + line);
        }
        cells.add(cell.toString());
        return cells;
    }
}
