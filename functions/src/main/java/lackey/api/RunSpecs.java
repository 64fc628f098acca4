package lackey.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.run.InvalidInput;
import lackey.run.RunSpec;

/** Reads a run spec from an HTTP body or from a scheduled rule's constant input. */
final class RunSpecs {

    private RunSpecs() {
    }

    static RunSpec from(RequestFields fields) {
        return new RunSpec(
                fields.text("name").orElse(null),
                fields.text("command"),
                fields.scalars("params"),
                fields.list("tags"));
    }

    /** The constant input of a scheduled rule, already deserialised by the Lambda runtime. */
    static RunSpec from(Map<String, Object> input) {
        if (input == null) {
            throw new InvalidInput("a recurring run needs a run spec as the rule's input");
        }
        return new RunSpec(
                text(input, "name").orElse(null),
                text(input, "command"),
                params(input.get("params")),
                tags(input.get("tags")));
    }

    private static Optional<String> text(Map<String, Object> input, String name) {
        Object value = input.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new InvalidInput(name + " must be a string");
        }
        return Optional.of(text);
    }

    private static Map<String, Object> params(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidInput("params must be an object");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        map.forEach((key, v) -> params.put(String.valueOf(key), v));
        return params;
    }

    private static List<String> tags(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidInput("tags must be an array of strings");
        }
        List<String> tags = new ArrayList<>();
        for (Object tag : list) {
            if (!(tag instanceof String text)) {
                throw new InvalidInput("tags must be an array of strings");
            }
            tags.add(text);
        }
        return tags;
    }
}
