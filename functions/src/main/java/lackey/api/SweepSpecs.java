package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.run.InvalidInput;
import lackey.run.RunSpec;
import lackey.run.SweepSpec;
import lackey.run.TooLarge;

/**
 * Reads a sweep from request fields: the fields of a single run ({@link RunSpecs}), shared by every run, plus
 * either {@code runs} (a list of params objects) or {@code grid} (values per param, a list each; a single value
 * is a list of one). In a form, {@code runs} and {@code grid} are JSON text, as {@code params} is.
 */
final class SweepSpecs {

    private SweepSpecs() {
    }

    static SweepSpec from(RequestFields fields) {
        Optional<JsonNode> runs = fields.json("runs");
        Optional<JsonNode> grid = fields.json("grid");
        if (runs.isPresent() && grid.isPresent()) {
            throw new InvalidInput("give either runs or grid, not both");
        }
        if (runs.isEmpty() && grid.isEmpty()) {
            throw new InvalidInput("a sweep needs runs (a list of params objects) or grid (a list of values per param)");
        }
        RunSpec common = RunSpecs.from(fields);
        return runs.isPresent() ? SweepSpec.list(common, list(runs.get())) : SweepSpec.grid(common, axes(grid.get()));
    }

    private static List<Map<String, Object>> list(JsonNode runs) {
        if (!runs.isArray()) {
            throw new InvalidInput("runs must be a list of params objects");
        }
        if (runs.size() > SweepSpec.MAX_RUNS) { // before building 10,000+ maps for nothing
            throw new TooLarge("a sweep may have at most " + SweepSpec.MAX_RUNS + " runs, this one has " + runs.size());
        }
        var params = new ArrayList<Map<String, Object>>(runs.size());
        int index = 0;
        for (JsonNode run : runs) {
            index++;
            if (!run.isObject()) {
                throw new InvalidInput("runs[" + index + "] must be an object of strings, numbers and booleans");
            }
            var own = new LinkedHashMap<String, Object>();
            String field = "runs[" + index + "]";
            run.properties().forEach(entry -> own.put(entry.getKey(), scalar(field + "." + entry.getKey(), entry.getValue())));
            params.add(own);
        }
        return params;
    }

    private static Map<String, List<Object>> axes(JsonNode grid) {
        if (!grid.isObject()) {
            throw new InvalidInput("grid must be an object of param names to lists of values");
        }
        var axes = new LinkedHashMap<String, List<Object>>();
        grid.properties().forEach(entry -> {
            String field = "grid." + entry.getKey();
            JsonNode values = entry.getValue();
            var axis = new ArrayList<Object>();
            if (values.isArray()) {
                values.forEach(value -> axis.add(scalar(field, value)));
            } else {
                axis.add(scalar(field, values));
            }
            axes.put(entry.getKey(), axis);
        });
        return axes;
    }

    private static Object scalar(String field, JsonNode value) {
        return RequestFields.scalar(field, value);
    }
}
