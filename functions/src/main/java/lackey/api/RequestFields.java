package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import lackey.run.InvalidInput;
import lackey.run.RunId;
import lackey.run.UnsupportedBody;
import lackey.run.Utf8;

/**
 * The fields of a request, read the same way whether they came form-encoded (the seed's curl calls), as JSON, or
 * in a query string, and held to one set of rules, here and nowhere else (docs/api.md, "Requests"):
 *
 * <ul>
 * <li>a form or query string is {@code name=value} pairs joined by {@code &}, percent-encoded ({@code +} is a
 * space); an empty pair ({@code a=1&&b=2}, a leading or trailing {@code &}), a pair without {@code =} or a
 * malformed {@code %}-escape is refused;</li>
 * <li>a JSON body is one object, read by {@link RequestJson} (no key twice, nothing after it);</li>
 * <li>every name is one the call takes, spelled exactly; a field that takes one value is given once;</li>
 * <li>text is well-formed UTF-8, refused rather than repaired (the {@code log}, which is bytes, excepted) and
 * never trimmed; a value given is not empty (again, {@code log} excepted: an empty log is a log);</li>
 * <li>in JSON a text field takes a string, a whole-number field a JSON integer or a string; a JSON null is the
 * field left out.</li>
 * </ul>
 *
 * Values come out exactly as sent; what each must look like beyond that (numbers, tokens, names) is the core's
 * to check. Lists ({@code tags}, {@code inputs}) repeat or are comma-separated in a form; structured values
 * ({@code params}, {@code runs}, {@code grid}) are JSON text in a form.
 */
final class RequestFields {

    /** Where the fields came from, as messages name it. */
    private static final String QUERY = "the query string";

    private final String where;
    private final Map<String, List<byte[]>> form;
    private final ObjectNode json;

    private RequestFields(String where, Map<String, List<byte[]>> form, ObjectNode json) {
        this.where = where;
        this.form = form;
        this.json = json;
    }

    /** Fields of a JSON object already parsed, such as a scheduled rule's constant input. */
    static RequestFields of(ObjectNode json, Set<String> names) {
        RequestJson.checkUnicode("the input", json);
        checkNames("the input", json.properties().stream().map(Map.Entry::getKey).toList(), names);
        return new RequestFields("the input", null, json);
    }

    /** The fields of a body, form-encoded or JSON as its content type says; any other type is a 415. */
    static RequestFields body(String contentType, byte[] body, Set<String> names) {
        String mediaType = mediaType(contentType);
        if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
            if (body.length == 0) {
                return new RequestFields("the body", null, JsonNodeFactory.instance.objectNode());
            }
            if (!(RequestJson.read("the body", body) instanceof ObjectNode object)) {
                throw new InvalidInput("the body must be a JSON object");
            }
            checkNames("the body", object.properties().stream().map(Map.Entry::getKey).toList(), names);
            return new RequestFields("the body", null, object);
        }
        // curl -d sends form encoding; an absent type with a body is treated the same way.
        if (mediaType.isEmpty() || mediaType.equals("application/x-www-form-urlencoded")) {
            Map<String, List<byte[]>> pairs = pairs("the body", body);
            checkNames("the body", pairs.keySet(), names);
            return new RequestFields("the body", pairs, null);
        }
        throw new UnsupportedBody(mediaType);
    }

    /** The parameters of a query string (as sent, still percent-encoded), with the rules of a form. */
    static RequestFields query(String rawQuery, Set<String> names) {
        if (!Utf8.isEncodable(rawQuery)) {
            throw new InvalidInput("the query string is not valid Unicode text");
        }
        Map<String, List<byte[]>> pairs = pairs(QUERY, rawQuery.getBytes(StandardCharsets.UTF_8));
        checkNames(QUERY, pairs.keySet(), names);
        return new RequestFields(QUERY, pairs, null);
    }

    /** A single text field, exactly as sent. In JSON it is a string. */
    Optional<String> text(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw new InvalidInput(name + " must be a string");
            }
            return Optional.of(nonEmpty(name, value.textValue()));
        }
        return single(name).map(bytes -> nonEmpty(name, utf8(name, bytes)));
    }

    /**
     * A single whole-number field, as its text: in a form that is the value sent; in JSON a string, or an integer
     * (written as its digits; a fraction or an exponent is refused). Whether the text is a number in the one form
     * is the core's to say ({@link lackey.run.WholeNumber}).
     */
    Optional<String> number(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (value.isIntegralNumber()) {
                return Optional.of(value.asText());
            }
            if (value.isNumber()) {
                throw new InvalidInput(name + " must be a whole number, without a fraction or an exponent");
            }
            return text(name);
        }
        return text(name);
    }

    /**
     * A single field as bytes, exactly as sent: in a form the percent-decoded bytes, whatever they are; in JSON the
     * UTF-8 of a string. The one field read this way is the log, so it may be empty.
     */
    Optional<byte[]> bytes(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw new InvalidInput(name + " must be a string");
            }
            return Optional.of(value.textValue().getBytes(StandardCharsets.UTF_8));
        }
        return single(name);
    }

    /** A list of texts: a JSON array of strings (or one string), or repeated / comma-separated form fields, empty items included. */
    List<String> list(String name) {
        if (json != null) {
            JsonNode value = json.get(name);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (value.isTextual()) {
                return List.of(value.textValue());
            }
            if (!value.isArray()) {
                throw new InvalidInput(name + " must be an array of strings");
            }
            List<String> items = new ArrayList<>();
            value.forEach(item -> {
                if (!item.isTextual()) {
                    throw new InvalidInput(name + " must be an array of strings");
                }
                items.add(item.textValue());
            });
            return items;
        }
        // -1 keeps empty items ("a,,b", "a,", a bare "tags="): they reach the rules, which refuse them
        return form.getOrDefault(name, List.of()).stream()
                .flatMap(v -> List.of(utf8(name, v).split(",", -1)).stream())
                .toList();
    }

    /**
     * A structured field as JSON, for the caller to read: the JSON body's value, or in a form the field's JSON
     * text, read by the strict reader. Empty when absent or null.
     */
    Optional<JsonNode> json(String name) {
        if (json != null) {
            return Optional.ofNullable(json.get(name)).filter(value -> !value.isNull());
        }
        return text(name).map(text -> RequestJson.read(name, text)).filter(value -> !value.isNull());
    }

    /** A flat object of scalars: a JSON object, or in a form a field holding JSON object text. */
    Map<String, Object> scalars(String name) {
        JsonNode value = json(name).orElse(null);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidInput(name + " must be an object of strings, numbers and booleans");
        }
        Map<String, Object> scalars = new LinkedHashMap<>();
        value.properties().forEach(entry -> scalars.put(entry.getKey(), scalar(name + "." + entry.getKey(), entry.getValue())));
        return scalars;
    }

    /** A JSON scalar as the core takes it: a string, a boolean, or a number as the decimal it says. */
    static Object scalar(String field, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        throw new InvalidInput(field + " must be a string, number or boolean");
    }

    /** Every field given, each as one text: the query parameters of a listing. */
    Map<String, String> texts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String name : json != null ? json.properties().stream().map(Map.Entry::getKey).toList() : List.copyOf(form.keySet())) {
            text(name).ifPresent(text -> texts.put(name, text));
        }
        return texts;
    }

    private Optional<byte[]> single(String name) {
        List<byte[]> values = form.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw new InvalidInput(name + " is given " + values.size() + " times: give each "
                    + (where.equals(QUERY) ? "query parameter" : "field") + " once");
        }
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    private String nonEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw new InvalidInput(name + " is empty: give a value or leave the "
                    + (where.equals(QUERY) ? "parameter" : "field") + " out");
        }
        return value;
    }

    private static String utf8(String name, byte[] bytes) {
        if (!Utf8.isWellFormed(bytes)) {
            throw new InvalidInput(name + " is not valid UTF-8");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The lower-case media type of a Content-Type header, whose charset, if given, must be UTF-8 (else a 415). */
    private static String mediaType(String contentType) {
        String[] parts = contentType.split(";");
        String mediaType = parts[0].strip().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(eq + 1).strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    throw UnsupportedBody.charset(mediaType, RunId.abbreviate(charset));
                }
            }
        }
        return mediaType;
    }

    private static void checkNames(String where, Iterable<String> given, Set<String> names) {
        Set<String> unknown = null;
        for (String name : given) {
            if (!names.contains(name)) {
                unknown = unknown == null ? new LinkedHashSet<>() : unknown;
                unknown.add(RunId.abbreviate(name));
            }
        }
        if (unknown != null) {
            String noun = where.equals(QUERY) ? "parameter" : "field";
            throw new InvalidInput(where + " has the unknown " + noun + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + (names.isEmpty() ? "; this call takes none"
                    : "; this call takes " + String.join(", ", new TreeSet<>(names))));
        }
    }

    /**
     * The pairs of a form or query string, names decoded and values kept as bytes (percent-decoded, {@code +} a
     * space), in order; the shape must be exact: no empty pair, every pair with {@code =}, a non-empty name.
     */
    private static Map<String, List<byte[]>> pairs(String where, byte[] raw) {
        Map<String, List<byte[]>> fields = new LinkedHashMap<>();
        if (raw.length == 0) {
            return fields;
        }
        int start = 0;
        while (start <= raw.length) {
            int end = indexOf(raw, (byte) '&', start);
            if (end == start) {
                throw new InvalidInput(where + " has an empty pair (a && or a leading or trailing &): give name=value pairs joined by &");
            }
            int eq = indexOf(raw, (byte) '=', start, end);
            if (eq < 0) {
                throw new InvalidInput(where + " has a pair without =: give name=value pairs joined by &");
            }
            if (eq == start) {
                throw new InvalidInput(where + " has a pair without a name");
            }
            byte[] nameBytes = percentDecoded(where, raw, start, eq);
            if (!Utf8.isWellFormed(nameBytes)) {
                throw new InvalidInput(where + " has a name that is not valid UTF-8");
            }
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(percentDecoded(where, raw, eq + 1, end));
            start = end + 1;
        }
        return fields;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        return indexOf(bytes, wanted, from, bytes.length);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return wanted == '&' ? to : -1;
    }

    /** Percent-decodes {@code raw[from, to)} into bytes, whatever they are; {@code +} is a space. */
    private static byte[] percentDecoded(String where, byte[] raw, int from, int to) {
        if (indexOf(raw, (byte) '%', from, to) < 0 && indexOf(raw, (byte) '+', from, to) < 0) {
            return Arrays.copyOfRange(raw, from, to); // nothing to decode: most tokens, numbers and names
        }
        var out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int high = i + 2 < to ? Character.digit(raw[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(raw[i + 2], 16) : -1;
                if (high < 0 || low < 0 || raw[i + 1] < 0 || raw[i + 2] < 0) {
                    throw new InvalidInput(where + " has a malformed %-escape: % must be followed by two hex digits");
                }
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
