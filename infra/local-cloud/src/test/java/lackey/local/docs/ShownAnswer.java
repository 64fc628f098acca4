package lackey.local.docs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a doc shows as a command's answer, on the {@code #   } lines after it, and whether a real answer shows
 * the same. An answer is an optional HTTP status line with headers (for {@code curl -i}), then items in order:
 * JSON values (with ellipses, see {@link ShownJson}), lines of text (an ellipsis matches any text) and lines
 * holding only an ellipsis, which stand for any number of lines.
 */
record ShownAnswer(OptionalInt status, Map<String, String> headers, List<Item> items) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/[0-9.]+ (\\d{3})\\b.*");
    private static final Pattern HEADER = Pattern.compile("([A-Za-z0-9-]+): (.*)");

    /** One part of the body as shown. */
    sealed interface Item {
    }

    record JsonItem(ShownJson json, String shown) implements Item {
    }

    record LineItem(String shown) implements Item {
    }

    /** Any number of lines, including none. */
    record AnyLines() implements Item {
    }

    static ShownAnswer parse(List<String> lines) {
        OptionalInt status = OptionalInt.empty();
        Map<String, String> headers = new LinkedHashMap<>();
        int i = 0;
        if (!lines.isEmpty()) {
            Matcher statusLine = STATUS_LINE.matcher(lines.getFirst().strip());
            if (statusLine.matches()) {
                status = OptionalInt.of(Integer.parseInt(statusLine.group(1)));
                i = 1;
                while (i < lines.size()) {
                    Matcher header = HEADER.matcher(lines.get(i).strip());
                    if (!header.matches()) {
                        break;
                    }
                    headers.put(header.group(1).toLowerCase(Locale.ROOT), header.group(2));
                    i++;
                }
            }
        }
        List<Item> items = new ArrayList<>();
        while (i < lines.size()) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                i++;
            } else if (line.equals("…") || line.equals("...")) {
                items.add(new AnyLines());
                i++;
            } else if (ShownJson.looksLikeJson(line)) {
                // a JSON value may go on over the next lines
                StringBuilder shown = new StringBuilder();
                IllegalArgumentException last = null;
                int j = i;
                ShownJson json = null;
                while (j < lines.size() && json == null) {
                    shown.append(lines.get(j)).append('\n');
                    j++;
                    try {
                        json = ShownJson.parse(shown.toString());
                    } catch (IllegalArgumentException notYet) {
                        last = notYet;
                    }
                }
                if (json == null) {
                    throw new IllegalArgumentException("the shown JSON does not parse: " + last.getMessage());
                }
                items.add(new JsonItem(json, shown.toString().strip()));
                i = j;
            } else {
                items.add(new LineItem(line));
                i++;
            }
        }
        return new ShownAnswer(status, headers, List.copyOf(items));
    }

    /** Why {@code output} (a command's standard output) is not what is shown, or empty when it is. */
    Optional<String> mismatch(String output) {
        String body = output;
        if (status.isPresent()) {
            int end = output.indexOf("\r\n\r\n");
            int length = 4;
            if (end < 0) {
                end = output.indexOf("\n\n");
                length = 2;
            }
            String head = end < 0 ? output : output.substring(0, end);
            body = end < 0 ? "" : output.substring(end + length);
            String[] headLines = head.split("\r?\n");
            Matcher statusLine = STATUS_LINE.matcher(headLines[0].strip());
            if (!statusLine.matches()) {
                return Optional.of("shown an HTTP status line, but the output starts with: " + first(output));
            }
            if (Integer.parseInt(statusLine.group(1)) != status.getAsInt()) {
                return Optional.of("shown status " + status.getAsInt() + ", got " + headLines[0].strip() + "\n" + first(body));
            }
            Map<String, String> actual = new LinkedHashMap<>();
            for (int i = 1; i < headLines.length; i++) {
                Matcher header = HEADER.matcher(headLines[i].strip());
                if (header.matches()) {
                    actual.put(header.group(1).toLowerCase(Locale.ROOT), header.group(2).strip());
                }
            }
            for (var shown : headers.entrySet()) {
                String value = actual.get(shown.getKey());
                if (value == null) {
                    return Optional.of("shown header " + shown.getKey() + ", not in " + actual.keySet());
                }
                if (!ShownJson.glob(shown.getValue().strip()).matcher(value).matches()) {
                    return Optional.of("shown header " + shown.getKey() + ": " + shown.getValue() + ", got " + value);
                }
            }
        }
        return matchItems(0, body, 0);
    }

    /** Matches items from {@code index} against {@code text} from {@code at}; backtracks over {@link AnyLines}. */
    private Optional<String> matchItems(int index, String text, int at) {
        at = skipSpace(text, at);
        if (index == items.size()) {
            return at >= text.length() ? Optional.empty()
                    : Optional.of("the output goes on after what is shown (end the answer with … if that is meant): "
                    + first(text.substring(at)));
        }
        Item item = items.get(index);
        switch (item) {
            case AnyLines any -> {
                Optional<String> firstProblem = Optional.empty();
                int from = at;
                while (true) {
                    Optional<String> rest = matchItems(index + 1, text, from);
                    if (rest.isEmpty()) {
                        return rest;
                    }
                    if (firstProblem.isEmpty()) {
                        firstProblem = rest;
                    }
                    int newline = text.indexOf('\n', from);
                    if (newline < 0 || from >= text.length()) {
                        return firstProblem;
                    }
                    from = newline + 1;
                }
            }
            case LineItem line -> {
                int end = text.indexOf('\n', at);
                String actual = (end < 0 ? text.substring(at) : text.substring(at, end)).stripTrailing();
                if (!ShownJson.glob(line.shown()).matcher(actual).matches()) {
                    return Optional.of("shown the line \"" + line.shown() + "\", got \"" + actual + "\"");
                }
                return matchItems(index + 1, text, end < 0 ? text.length() : end + 1);
            }
            case JsonItem json -> {
                JsonNode actual;
                int end;
                try (JsonParser parser = MAPPER.createParser(text.substring(at))) {
                    actual = MAPPER.readTree(parser);
                    end = at + (int) parser.currentLocation().getCharOffset();
                } catch (IOException e) {
                    return Optional.of("shown JSON " + json.shown() + ", got output that is not JSON: " + first(text.substring(at)));
                }
                if (actual == null) {
                    return Optional.of("shown JSON " + json.shown() + ", got no more output");
                }
                Optional<String> problem = json.json().mismatch(actual, "$");
                if (problem.isPresent()) {
                    return Optional.of(problem.get() + "\n  shown: " + json.shown() + "\n  got:   " + first(actual.toString()));
                }
                return matchItems(index + 1, text, end);
            }
        }
    }

    private static int skipSpace(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static String first(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "…";
    }
}
