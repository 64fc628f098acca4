package lackey.local.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A JSON answer as the docs show it: JSON in which an ellipsis ({@code …} or {@code ...}) stands for what the
 * reader need not see. As an object member it means "other members", as an array element "other elements", as a
 * value "any value", inside a string "any text". Everything shown must be there, exactly; an object or array
 * without an ellipsis must have nothing else.
 */
sealed interface ShownJson {

    /** Why {@code actual} does not show what the docs show, or empty when it does. */
    Optional<String> mismatch(JsonNode actual, String path);

    /** Parses the shown text; the reason it cannot be parsed is an {@link IllegalArgumentException}. */
    static ShownJson parse(String text) {
        Reader reader = new Reader(text);
        ShownJson value = reader.value();
        reader.skipSpace();
        if (!reader.atEnd()) {
            throw reader.error("text after the JSON value");
        }
        return value;
    }

    /** Whether the text starts like a JSON value a doc would show: an object or an array. */
    static boolean looksLikeJson(String text) {
        String t = text.strip();
        return t.startsWith("{") || t.startsWith("[");
    }

    record AnyValue() implements ShownJson {
        public Optional<String> mismatch(JsonNode actual, String path) {
            return Optional.empty();
        }
    }

    record Literal(JsonNode expected) implements ShownJson {
        public Optional<String> mismatch(JsonNode actual, String path) {
            if (expected.isNumber() && actual.isNumber()) {
                return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? Optional.empty()
                        : differs(path, expected, actual);
            }
            return expected.equals(actual) ? Optional.empty() : differs(path, expected, actual);
        }
    }

    /** A string in which each ellipsis matches any text. */
    record Text(String shown) implements ShownJson {
        public Optional<String> mismatch(JsonNode actual, String path) {
            if (!actual.isTextual()) {
                return Optional.of(path + ": shown as the string \"" + shown + "\", is " + actual);
            }
            return glob(shown).matcher(actual.asText()).matches() ? Optional.empty()
                    : Optional.of(path + ": shown as \"" + shown + "\", is \"" + actual.asText() + "\"");
        }
    }

    record Members(Map<String, ShownJson> members, boolean open) implements ShownJson {
        public Optional<String> mismatch(JsonNode actual, String path) {
            if (!actual.isObject()) {
                return Optional.of(path + ": shown as an object, is " + actual);
            }
            for (var member : members.entrySet()) {
                JsonNode value = actual.get(member.getKey());
                if (value == null) {
                    return Optional.of(path + "." + member.getKey() + ": shown, but missing from " + abbreviated(actual));
                }
                var problem = member.getValue().mismatch(value, path + "." + member.getKey());
                if (problem.isPresent()) {
                    return problem;
                }
            }
            if (!open) {
                for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!members.containsKey(name)) {
                        return Optional.of(path + "." + name + ": not shown (add it, or … for the rest)");
                    }
                }
            }
            return Optional.empty();
        }
    }

    record Elements(List<ShownJson> head, boolean open, List<ShownJson> tail) implements ShownJson {
        public Optional<String> mismatch(JsonNode actual, String path) {
            if (!actual.isArray()) {
                return Optional.of(path + ": shown as an array, is " + abbreviated(actual));
            }
            int shown = head.size() + tail.size();
            if (open ? actual.size() < shown : actual.size() != shown) {
                return Optional.of(path + ": shown with " + (open ? "at least " : "") + shown + " elements, has "
                        + actual.size() + ": " + abbreviated(actual));
            }
            for (int i = 0; i < head.size(); i++) {
                var problem = head.get(i).mismatch(actual.get(i), path + "[" + i + "]");
                if (problem.isPresent()) {
                    return problem;
                }
            }
            for (int i = 0; i < tail.size(); i++) {
                int at = actual.size() - tail.size() + i;
                var problem = tail.get(i).mismatch(actual.get(at), path + "[" + at + "]");
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
    }

    /** A glob in which {@code …} and {@code ...} match any text, newlines included. */
    static Pattern glob(String shown) {
        StringBuilder regex = new StringBuilder();
        for (String piece : shown.split("…|\\.\\.\\.", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(piece));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static Optional<String> differs(String path, JsonNode expected, JsonNode actual) {
        return Optional.of(path + ": shown as " + expected + ", is " + abbreviated(actual));
    }

    private static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** A small recursive-descent reader of JSON with ellipses. */
    final class Reader {
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        ShownJson value() {
            skipSpace();
            if (ellipsisAhead()) {
                skipEllipsis();
                return new AnyValue();
            }
            char c = peek();
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                default -> scalar();
            };
        }

        private ShownJson object() {
            at++;
            Map<String, ShownJson> members = new LinkedHashMap<>();
            boolean open = false;
            skipSpace();
            if (peek() == '}') {
                at++;
                return new Members(members, false);
            }
            while (true) {
                skipSpace();
                if (ellipsisAhead()) {
                    skipEllipsis();
                    open = true;
                } else {
                    String name = rawString();
                    skipSpace();
                    expect(':');
                    members.put(name, value());
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    return new Members(members, open);
                }
                if (c != ',') {
                    throw error("expected , or } in an object");
                }
            }
        }

        private ShownJson array() {
            at++;
            List<ShownJson> head = new ArrayList<>();
            List<ShownJson> tail = new ArrayList<>();
            boolean open = false;
            skipSpace();
            if (peek() == ']') {
                at++;
                return new Elements(head, false, tail);
            }
            while (true) {
                skipSpace();
                if (ellipsisAhead()) {
                    skipEllipsis();
                    open = true;
                } else {
                    (open ? tail : head).add(value());
                }
                skipSpace();
                char c = next();
                if (c == ']') {
                    return new Elements(head, open, tail);
                }
                if (c != ',') {
                    throw error("expected , or ] in an array");
                }
            }
        }

        private ShownJson string() {
            String value = rawString();
            return value.contains("…") || value.contains("...") ? new Text(value) : new Literal(MAPPER.getNodeFactory().textNode(value));
        }

        private String rawString() {
            int start = at;
            if (next() != '"') {
                throw error("expected a string");
            }
            while (true) {
                char c = next();
                if (c == '\\') {
                    next();
                } else if (c == '"') {
                    break;
                }
            }
            try {
                return MAPPER.readTree(text.substring(start, at)).asText();
            } catch (java.io.IOException e) {
                throw error("bad string");
            }
        }

        private ShownJson scalar() {
            int start = at;
            while (!atEnd() && "{}[],: \t\r\n".indexOf(peek()) < 0) {
                at++;
            }
            String token = text.substring(start, at);
            try {
                JsonNode node = MAPPER.readTree(token);
                if (node == null || node.isMissingNode() || !(node.isNumber() || node.isBoolean() || node.isNull())) {
                    throw error("not a JSON value: " + token);
                }
                if (node.isNumber()) {
                    node = MAPPER.getNodeFactory().numberNode(new BigDecimal(token));
                }
                return new Literal(node);
            } catch (java.io.IOException e) {
                throw error("not a JSON value: " + token);
            }
        }

        private boolean ellipsisAhead() {
            return text.startsWith("…", at) || text.startsWith("...", at);
        }

        private void skipEllipsis() {
            at += text.startsWith("…", at) ? 1 : 3;
        }

        void skipSpace() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                at++;
            }
        }

        boolean atEnd() {
            return at >= text.length();
        }

        private char peek() {
            if (atEnd()) {
                throw error("unexpected end");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + at + " of: " + text);
        }
    }
}
