package lackey.local.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small readers of a template as JSON (short tags in their long forms), shared by the template tests. */
final class TemplateJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private TemplateJson() {
    }

    /** The resources of {@code type}, by logical id. */
    static Map<String, JsonNode> resourcesOfType(JsonNode template, String type) {
        Map<String, JsonNode> resources = new TreeMap<>();
        template.path("Resources").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                resources.put(entry.getKey(), entry.getValue());
            }
        });
        return resources;
    }

    static ObjectNode properties(JsonNode template, String logicalId) {
        JsonNode properties = template.path("Resources").path(logicalId).path("Properties");
        assertTrue(properties.isObject(), "the template has no resource " + logicalId + " with Properties");
        return (ObjectNode) properties;
    }

    /** The strings in a value that IAM reads as a string or a list of strings (intrinsics contribute their text). */
    static List<String> texts(JsonNode value) {
        List<String> texts = new ArrayList<>();
        if (value.isTextual()) {
            texts.add(value.textValue());
        } else if (value.isArray()) {
            value.forEach(item -> texts.addAll(texts(item)));
        } else if (value.isObject()) {
            value.properties().forEach(entry -> texts.addAll(texts(entry.getValue())));
        }
        return texts;
    }

    static JsonNode ref(String name) {
        return JSON.createObjectNode().put("Ref", name);
    }

    static JsonNode getAtt(String logicalId, String attribute) {
        ObjectNode getAtt = JSON.createObjectNode();
        getAtt.putArray("Fn::GetAtt").add(logicalId).add(attribute);
        return getAtt;
    }

    /** Route key ("METHOD /path") of each HttpApi event, by function and event ("Function.Event"). */
    static Map<String, String> routeKeys(JsonNode template) {
        Map<String, String> routes = new TreeMap<>();
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) ->
                function.at("/Properties/Events").properties().forEach(event -> {
                    if ("HttpApi".equals(event.getValue().path("Type").asText())) {
                        JsonNode properties = event.getValue().path("Properties");
                        routes.put(id + "." + event.getKey(),
                                properties.path("Method").asText().toUpperCase() + " " + properties.path("Path").asText());
                    }
                }));
        return routes;
    }
}
