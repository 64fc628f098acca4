package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.UnsupportedBody;

/**
 * The fields of a request body, read the same way whether it came form-encoded (the seed's curl calls)
 * or as JSON. Form values that are structured ({@code params}) are JSON text; lists ({@code tags}) are
 * repeated fields or comma-separated.
 */
final class RequestFields {

    private final Map<String, List<String>> form;
    private final ObjectNode json;

    private RequestFields(Map<String, List<String>> form, ObjectNode json) {
        this.form = form;
        this.json = json;
    }

    /** Fields of a JSON object already parsed, such as a scheduled rule's constant input. */
    static RequestFields of(ObjectNode json) {
        return new RequestFields(Map.of(), json);
    }

    static RequestFields parse(String contentType, byte[] body) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
            return new RequestFields(Map.of(), jsonObject(body));
        }
        // curl -d sends form encoding; an absent type with a body is treated the same way.
        if (mediaType.isEmpty() || mediaType.equals("application/x-www-form-urlencoded")) {
            return new RequestFields(form(new String(body, StandardCharsets.UTF_8)), null);
        }
        throw new UnsupportedBody(mediaType);
    }

    /** A single text field; JSON numbers and booleans are given as their text. */
    Optional<String> text(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isValueNode()) {
                throw new InvalidInput(name + " must be a single value");
            }
            return Optional.of(value.asText());
        }
        List<String> values = form.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw new InvalidInput(name + " is given " + values.size() + " times");
        }
        return values.stream().findFirst();
    }

    /** A yes-or-no field: a JSON boolean, or {@code true} / {@code false} in a form; false when absent. */
    boolean flag(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.isBoolean()) {
                throw new InvalidInput(name + " must be true or false");
            }
            return value.booleanValue();
        }
        return switch (text(name).orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInput(name + " must be true or false");
        };
    }

    /** A list of texts: a JSON array, or repeated / comma-separated form fields, empty items included. */
    List<String> list(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (value.isTextual()) {
                return List.of(value.asText());
            }
            if (!value.isArray()) {
                throw new InvalidInput(name + " must be an array of strings");
            }
            List<String> items = new ArrayList<>();
            value.forEach(item -> {
                if (!item.isTextual()) {
                    throw new InvalidInput(name + " must be an array of strings");
                }
                items.add(item.asText());
            });
            return items;
        }
        // -1 keeps empty items ("a,,b", "a,", a bare "tags="): they reach the rules, which refuse them
        return form.getOrDefault(name, List.of()).stream()
                .flatMap(v -> List.of(v.split(",", -1)).stream())
                .toList();
    }

    /**
     * A structured field as JSON, for the caller to read: the JSON body's value, or in a form the field's JSON
     * text parsed. Empty when absent or null.
     */
    Optional<JsonNode> json(String name) {
        if (json != null) {
            return Optional.ofNullable(json.get(name)).filter(value -> !value.isNull());
        }
        Optional<String> text = text(name).filter(t -> !t.isBlank());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunJson.MAPPER.readTree(text.get()));
        } catch (IOException e) {
            throw new InvalidInput(name + " is not valid JSON");
        }
    }

    /** A flat object of scalars: a JSON object, or in a form a field holding JSON object text. */
    Map<String, Object> scalars(String name) {
        JsonNode value;
        if (json != null) {
            value = json.get(name);
        } else {
            Optional<String> text = text(name).filter(t -> !t.isBlank());
            if (text.isEmpty()) {
                return Map.of();
            }
            value = jsonObject(text.get().getBytes(StandardCharsets.UTF_8), name);
        }
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidInput(name + " must be an object of strings, numbers and booleans");
        }
        Map<String, Object> scalars = new LinkedHashMap<>();
        value.properties().forEach(entry -> scalars.put(entry.getKey(), scalar(name, entry.getKey(), entry.getValue())));
        return scalars;
    }

    private static Object scalar(String field, String key, JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            return new BigDecimal(value.asText());
        }
        throw new InvalidInput(field + "." + key + " must be a string, number or boolean");
    }

    private static ObjectNode jsonObject(byte[] body) {
        return jsonObject(body, "the body");
    }

    private static ObjectNode jsonObject(byte[] body, String what) {
        if (body.length == 0) {
            return RunJson.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = RunJson.MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            throw new InvalidInput(what + " is not valid JSON");
        }
        throw new InvalidInput(what + " must be a JSON object");
    }

    private static Map<String, List<String>> form(String body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    /** Percent-decodes one name or value of a form or query string ({@code +} is a space). */
    static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("the form body has a malformed %-escape");
        }
    }
}
