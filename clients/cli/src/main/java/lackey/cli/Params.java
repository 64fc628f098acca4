package lackey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Run params as typed on the command line, {@code key=value}: a value that reads as a number is a JSON number,
 * {@code true}/{@code false} a boolean, anything else a string (so {@code lr=0.01 steps=100 mesh=fine} is
 * {@code {"lr":0.01,"steps":100,"mesh":"fine"}}, as the API takes them).
 */
final class Params {

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Params() {
    }

    static ObjectNode parse(List<String> pairs) {
        ObjectNode params = Json.MAPPER.createObjectNode();
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw CliFailure.usage("--param takes key=value, not '" + pair + "'");
            }
            put(params, pair.substring(0, equals).strip(), pair.substring(equals + 1));
        }
        return params;
    }

    /** Puts one value, typed as {@link Params} says. */
    static void put(ObjectNode params, String key, String value) {
        String text = value.strip();
        if (NUMBER.matcher(text).matches()) {
            params.put(key, new BigDecimal(text));
        } else if (text.equals("true") || text.equals("false")) {
            params.put(key, Boolean.parseBoolean(text));
        } else {
            params.put(key, value);
        }
    }
}
