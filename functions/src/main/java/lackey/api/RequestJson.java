package lackey.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import lackey.run.InvalidInput;
import lackey.run.Utf8;

/**
 * The strict reader of JSON that callers send (a request body, a form's {@code params}, {@code runs} or
 * {@code grid}): exactly one JSON value in UTF-8, nothing after it, no key twice in any object, every string valid
 * Unicode (an escaped lone surrogate such as {@code "\ud800"} is refused, as it has no UTF-8 form), and numbers
 * kept as decimals, so {@code 1e400} is the number it says rather than a double's Infinity. Responses and the
 * events lackey reads from AWS use {@link lackey.aws.RunJson#MAPPER}, which this leaves alone.
 */
final class RequestJson {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private RequestJson() {
    }

    /** Reads one JSON value from UTF-8 bytes; anything else is an {@link InvalidInput} that says what, about {@code what}. */
    static JsonNode read(String what, byte[] utf8) {
        if (!Utf8.isWellFormed(utf8)) {
            throw new InvalidInput(what + " is not valid UTF-8");
        }
        // read as text, so that Jackson cannot take NUL-laden bytes for UTF-16 or UTF-32
        return read(what, new String(utf8, StandardCharsets.UTF_8));
    }

    /** Reads one JSON value from text. */
    static JsonNode read(String what, String text) {
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (MismatchedInputException e) {
            throw new InvalidInput(what + " is not valid JSON: " + (e.getOriginalMessage().startsWith("Trailing token")
                    ? "there is more after its value" : firstLine(e.getOriginalMessage())) + location(e));
        } catch (JsonProcessingException e) {
            throw new InvalidInput(what + " is not valid JSON: " + firstLine(e.getOriginalMessage()) + location(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidInput(what + " is not valid JSON: it is empty");
        }
        checkUnicode(what, node);
        return node;
    }

    /** Every key and string of {@code node}, at any depth, must be valid Unicode: no lone surrogate. */
    static void checkUnicode(String what, JsonNode node) {
        if (node.isTextual()) {
            if (!Utf8.isEncodable(node.textValue())) {
                throw loneSurrogate(what);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!Utf8.isEncodable(entry.getKey())) {
                    throw loneSurrogate(what);
                }
                checkUnicode(what, entry.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                checkUnicode(what, item);
            }
        }
    }

    private static InvalidInput loneSurrogate(String what) {
        return new InvalidInput(what + " has a string with a lone surrogate (such as \\ud800): it is not Unicode text");
    }

    private static String firstLine(String message) {
        String line = message == null ? "malformed" : message.lines().findFirst().orElse("malformed");
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
