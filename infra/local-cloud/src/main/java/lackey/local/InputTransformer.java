package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge's input transformer: pulls values out of an event with the simple JSON paths of an
 * {@code InputPathsMap} and fills the {@code <name>} placeholders of an {@code InputTemplate}.
 *
 * <p>The rules followed (EventBridge user guide, "input transformation"): in a JSON template a placeholder
 * outside quotes becomes the value as JSON (a string gets quotes and escapes, an object stays an
 * object); inside quotes, a string is inserted as it is, without escaping. In a template that is not JSON
 * (plain text) every value is inserted as it is. A path that finds nothing yields {@code null} outside
 * quotes and nothing inside them. The predefined {@code aws.events.*} variables are supported.
 */
final class InputTransformer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.\\-]+)>");

    private final Map<String, String> inputPathsMap;
    private final String inputTemplate;

    InputTransformer(Map<String, String> inputPathsMap, String inputTemplate) {
        this.inputPathsMap = Map.copyOf(inputPathsMap);
        this.inputTemplate = inputTemplate;
    }

    /**
     * The input the target gets for {@code event}.
     *
     * @param event    the event as EventBridge delivers it
     * @param ruleName the rule's name
     * @param ruleArn  the rule's ARN
     */
    String apply(JsonNode event, String ruleName, String ruleArn) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        inputPathsMap.forEach((name, path) -> values.put(name, select(event, path)));
        values.put("aws.events.rule-name", JSON.getNodeFactory().textNode(ruleName));
        values.put("aws.events.rule-arn", JSON.getNodeFactory().textNode(ruleArn));
        values.put("aws.events.event.ingestion-time", JSON.getNodeFactory().textNode(Instant.now().toString()));
        ObjectNode withoutDetail = event.isObject() ? ((ObjectNode) event).deepCopy() : JSON.createObjectNode();
        withoutDetail.remove("detail");
        values.put("aws.events.event", withoutDetail);
        values.put("aws.events.event.json", event);

        String trimmed = inputTemplate.trim();
        boolean jsonTemplate = trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\"");
        StringBuilder out = new StringBuilder();
        Matcher matcher = PLACEHOLDER.matcher(inputTemplate);
        int at = 0;
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!values.containsKey(name)) {
                continue; // not a variable: text such as "<b>" stays as written
            }
            out.append(inputTemplate, at, matcher.start());
            boolean quoted = jsonTemplate && insideString(inputTemplate, matcher.start());
            out.append(render(values.get(name), jsonTemplate && !quoted));
            at = matcher.end();
        }
        out.append(inputTemplate, at, inputTemplate.length());
        return out.toString();
    }

    private static String render(JsonNode value, boolean asJson) {
        if (value == null || value.isMissingNode()) {
            return asJson ? "null" : "";
        }
        if (asJson) {
            return value.toString();
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    // Whether position `at` of a JSON text lies inside a string literal: count unescaped quotes before it.
    static boolean insideString(String json, int at) {
        boolean inside = false;
        for (int i = 0; i < at; i++) {
            char c = json.charAt(i);
            if (c == '\\' && inside) {
                i++;
            } else if (c == '"') {
                inside = !inside;
            }
        }
        return inside;
    }

    /**
     * The value at an EventBridge JSON path: {@code $}, dot notation ({@code $.detail.id}), names with
     * dashes, and array indexes ({@code $.resources[0]}). Missing when the event has nothing there.
     */
    static JsonNode select(JsonNode event, String path) {
        if (!path.startsWith("$")) {
            throw new IllegalArgumentException("JSON path must start with $: " + path);
        }
        JsonNode current = event;
        int i = 1;
        while (i < path.length() && current != null && !current.isMissingNode()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                current = current.path(path.substring(i + 1, end));
                i = end;
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ in JSON path " + path);
                }
                String inside = path.substring(i + 1, end).trim();
                if (inside.startsWith("'") || inside.startsWith("\"")) {
                    current = current.path(inside.substring(1, inside.length() - 1));
                } else {
                    current = current.path(Integer.parseInt(inside));
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unsupported JSON path " + path);
            }
        }
        return current;
    }
}
