package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves CloudFormation intrinsic functions ({@code Ref}, {@code Fn::Sub}, {@code Fn::GetAtt},
 * {@code Fn::Join}, {@code Fn::If} …) against the values the local cloud gives parameters, pseudo
 * parameters and resources, the way CloudFormation would at deploy time.
 */
final class Intrinsics {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalNames names;
    private final JsonNode resources;
    private final JsonNode parameters;
    private final JsonNode conditions;
    private final JsonNode mappings;
    private final Map<String, Boolean> conditionValues = new HashMap<>();

    Intrinsics(JsonNode template, LocalNames names) {
        this.names = names;
        this.resources = template.path("Resources");
        this.parameters = template.path("Parameters");
        this.conditions = template.path("Conditions");
        this.mappings = template.path("Mappings");
    }

    /**
     * Resolves every intrinsic function in {@code node}, deeply. {@code AWS::NoValue} comes back as a
     * missing node and is dropped from the object or array that held it.
     */
    JsonNode resolve(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return MissingNode.getInstance();
        }
        if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> only = node.properties().iterator().next();
            String key = only.getKey();
            if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition") && only.getValue().isTextual()
                    && conditions.has(only.getValue().asText())) {
                return function(key, only.getValue());
            }
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode value = resolve(field.getValue());
                if (!value.isMissingNode()) {
                    out.set(field.getKey(), value);
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode item : node) {
                JsonNode value = resolve(item);
                if (!value.isMissingNode()) {
                    out.add(value);
                }
            }
            return out;
        }
        return node;
    }

    /** Resolves {@code node} and renders it as text, as an environment variable or name needs it. */
    String resolveText(JsonNode node, String where) {
        JsonNode value = resolve(node);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw new TemplateException(where + " resolves to " + value + ", not to a text value");
        }
        return value.asText();
    }

    /** Whether the template's condition {@code name} holds locally. */
    boolean condition(String name) {
        Boolean known = conditionValues.get(name);
        if (known != null) {
            return known;
        }
        JsonNode definition = conditions.get(name);
        if (definition == null) {
            throw new TemplateException("unknown condition " + name);
        }
        boolean value = truth(definition);
        conditionValues.put(name, value);
        return value;
    }

    private JsonNode function(String name, JsonNode argument) {
        return switch (name) {
            case "Ref" -> ref(argument.asText());
            case "Fn::GetAtt" -> getAtt(argument);
            case "Fn::Sub" -> NODES.textNode(sub(argument));
            case "Fn::Join" -> join(argument);
            case "Fn::Select" -> select(argument);
            case "Fn::Split" -> split(argument);
            case "Fn::If" -> resolve(condition(argument.get(0).asText()) ? argument.get(1) : argument.get(2));
            case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition" ->
                    NODES.booleanNode(truth(NODES.objectNode().set(name, argument)));
            case "Fn::FindInMap" -> findInMap(argument);
            case "Fn::Base64" -> NODES.textNode(Base64.getEncoder()
                    .encodeToString(resolveText(argument, "Fn::Base64").getBytes(StandardCharsets.UTF_8)));
            case "Fn::ToJsonString" -> NODES.textNode(resolve(argument).toString());
            case "Fn::GetAZs" -> NODES.arrayNode().add(names.region() + "a").add(names.region() + "b");
            default -> throw new TemplateException(name + " is not supported by the local cloud");
        };
    }

    private boolean truth(JsonNode node) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            return Boolean.parseBoolean(node.asText());
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        JsonNode arguments = only.getValue();
        return switch (only.getKey()) {
            case "Fn::Equals" -> resolve(arguments.get(0)).asText().equals(resolve(arguments.get(1)).asText());
            case "Fn::Not" -> !truth(arguments.get(0));
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode argument : arguments) {
                    all &= truth(argument);
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode argument : arguments) {
                    any |= truth(argument);
                }
                yield any;
            }
            case "Condition" -> condition(arguments.asText());
            default -> truth(resolve(node));
        };
    }

    /** What {@code Ref name} gives: a parameter's value, a pseudo parameter, or a resource's physical id. */
    JsonNode ref(String name) {
        switch (name) {
            case "AWS::Region":
                return NODES.textNode(names.region());
            case "AWS::AccountId":
                return NODES.textNode(names.accountId());
            case "AWS::Partition":
                return NODES.textNode("aws");
            case "AWS::URLSuffix":
                return NODES.textNode("amazonaws.com");
            case "AWS::StackName":
                return NODES.textNode(names.stackName());
            case "AWS::StackId":
                return NODES.textNode("arn:aws:cloudformation:" + names.region() + ":" + names.accountId()
                        + ":stack/" + names.stackName() + "/local");
            case "AWS::NoValue":
                return MissingNode.getInstance();
            case "AWS::NotificationARNs":
                return NODES.arrayNode();
            default:
                break;
        }
        if (parameters.has(name)) {
            return parameter(name);
        }
        JsonNode resource = resources.get(name);
        String type = resource == null ? "" : resource.path("Type").asText();
        // Ref of a task definition or an SNS topic is its ARN, not its name.
        if (type.equals("AWS::ECS::TaskDefinition") || type.equals("AWS::SNS::Topic")) {
            return NODES.textNode(arn(name, type));
        }
        return NODES.textNode(physicalName(name));
    }

    private JsonNode parameter(String name) {
        JsonNode definition = parameters.get(name);
        String value = names.parameterOverrides().get(name);
        if (value == null) {
            JsonNode fallback = definition.get("Default");
            value = fallback == null ? "" : fallback.asText();
        }
        String type = definition.path("Type").asText();
        if (type.startsWith("List<") || type.equals("CommaDelimitedList")) {
            ArrayNode list = NODES.arrayNode();
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    list.add(item.trim());
                }
            }
            return list;
        }
        return NODES.textNode(value);
    }

    /**
     * The local physical name of a resource: its own name property when the template sets one,
     * otherwise the stack name and the logical id in kebab case without its type word
     * ({@code RunsTable} in stack {@code lackey} becomes {@code lackey-runs}).
     */
    String physicalName(String logicalId) {
        JsonNode resource = resources.get(logicalId);
        if (resource != null) {
            JsonNode properties = resource.path("Properties");
            String property = switch (resource.path("Type").asText()) {
                case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable" -> "TableName";
                case "AWS::S3::Bucket" -> "BucketName";
                case "AWS::Events::EventBus", "AWS::Events::Rule", "AWS::ECS::Cluster" -> "Name";
                case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "FunctionName";
                case "AWS::IAM::Role" -> "RoleName";
                case "AWS::SQS::Queue" -> "QueueName";
                case "AWS::SNS::Topic" -> "TopicName";
                case "AWS::ECS::TaskDefinition" -> "Family";
                default -> null;
            };
            if (property != null && properties.has(property)) {
                return resolveText(properties.get(property), logicalId + "." + property);
            }
            String type = resource.path("Type").asText();
            if (type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function")) {
                return logicalId;
            }
        }
        return names.stackName() + "-" + kebab(withoutTypeWord(logicalId));
    }

    private static String withoutTypeWord(String logicalId) {
        for (String word : new String[] {"Table", "Bucket", "Bus", "Queue", "Topic", "Cluster", "TaskDefinition", "Rule"}) {
            if (logicalId.endsWith(word) && logicalId.length() > word.length()) {
                return logicalId.substring(0, logicalId.length() - word.length());
            }
        }
        return logicalId;
    }

    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
                out.append('-');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    private JsonNode getAtt(JsonNode argument) {
        String logicalId;
        String attribute;
        if (argument.isTextual()) {
            String text = argument.asText();
            int dot = text.indexOf('.');
            if (dot < 0) {
                throw new TemplateException("Fn::GetAtt " + text + " names no attribute");
            }
            logicalId = text.substring(0, dot);
            attribute = text.substring(dot + 1);
        } else {
            logicalId = resolveText(argument.get(0), "Fn::GetAtt");
            attribute = resolveText(argument.get(1), "Fn::GetAtt");
        }
        return NODES.textNode(attribute(logicalId, attribute));
    }

    /** What {@code Fn::GetAtt logicalId.attribute} gives locally. */
    String attribute(String logicalId, String attribute) {
        JsonNode resource = resources.get(logicalId);
        String type = resource == null ? "" : resource.path("Type").asText();
        return switch (attribute) {
            case "Arn" -> arn(logicalId, type);
            case "Name", "TableName", "BucketName", "RoleId" -> physicalName(logicalId);
            case "ApiEndpoint" -> names.apiUrl();
            case "ApiId" -> physicalName(logicalId);
            case "DomainName", "RegionalDomainName" -> physicalName(logicalId) + ".s3." + names.region() + ".amazonaws.com";
            case "StreamArn" -> arn(logicalId, type) + "/stream/local";
            default -> physicalName(logicalId);
        };
    }

    private String arn(String logicalId, String type) {
        String name = physicalName(logicalId);
        String regional = names.region() + ":" + names.accountId() + ":";
        return switch (type) {
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "arn:aws:lambda:" + regional + "function:" + name;
            case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable" -> "arn:aws:dynamodb:" + regional + "table/" + name;
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name;
            case "AWS::Events::EventBus" -> "arn:aws:events:" + regional + "event-bus/" + name;
            case "AWS::Events::Rule" -> "arn:aws:events:" + regional + "rule/" + name;
            case "AWS::ECS::Cluster" -> "arn:aws:ecs:" + regional + "cluster/" + name;
            case "AWS::ECS::TaskDefinition" -> "arn:aws:ecs:" + regional + "task-definition/" + name + ":1";
            case "AWS::IAM::Role" -> "arn:aws:iam::" + names.accountId() + ":role/" + name;
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + regional + name;
            case "AWS::SNS::Topic" -> "arn:aws:sns:" + regional + name;
            default -> {
                String[] parts = type.split("::");
                String service = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "local";
                yield "arn:aws:" + service + ":" + regional + name;
            }
        };
    }

    private String sub(JsonNode argument) {
        String text;
        Map<String, String> variables = new LinkedHashMap<>();
        if (argument.isArray()) {
            text = argument.get(0).asText();
            JsonNode given = argument.get(1);
            if (given != null) {
                for (Map.Entry<String, JsonNode> variable : given.properties()) {
                    variables.put(variable.getKey(), resolveText(variable.getValue(), "Fn::Sub variable " + variable.getKey()));
                }
            }
        } else {
            text = argument.asText();
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int start = text.indexOf("${", at);
            if (start < 0) {
                out.append(text, at, text.length());
                return out.toString();
            }
            int end = text.indexOf('}', start);
            if (end < 0) {
                throw new TemplateException("Fn::Sub has an unclosed ${ in: " + text);
            }
            out.append(text, at, start);
            String name = text.substring(start + 2, end);
            if (name.startsWith("!")) {
                out.append("${").append(name.substring(1)).append('}');
            } else if (variables.containsKey(name)) {
                out.append(variables.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                out.append(attribute(name.substring(0, dot), name.substring(dot + 1)));
            } else {
                JsonNode value = ref(name);
                if (value.isContainerNode()) {
                    throw new TemplateException("Fn::Sub ${" + name + "} is a list, not a text value");
                }
                out.append(value.asText());
            }
            at = end + 1;
        }
    }

    private JsonNode join(JsonNode argument) {
        String delimiter = argument.get(0).asText();
        JsonNode items = resolve(argument.get(1));
        StringBuilder out = new StringBuilder();
        for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
            out.append(it.next().asText());
            if (it.hasNext()) {
                out.append(delimiter);
            }
        }
        return NODES.textNode(out.toString());
    }

    private JsonNode select(JsonNode argument) {
        int index = Integer.parseInt(resolveText(argument.get(0), "Fn::Select index"));
        JsonNode items = resolve(argument.get(1));
        return items.get(index) == null ? MissingNode.getInstance() : items.get(index);
    }

    private JsonNode split(JsonNode argument) {
        String delimiter = argument.get(0).asText();
        String text = resolveText(argument.get(1), "Fn::Split");
        ArrayNode out = NODES.arrayNode();
        int at = 0;
        while (true) {
            int next = text.indexOf(delimiter, at);
            if (next < 0 || delimiter.isEmpty()) {
                out.add(text.substring(at));
                return out;
            }
            out.add(text.substring(at, next));
            at = next + delimiter.length();
        }
    }

    private JsonNode findInMap(JsonNode argument) {
        String map = resolveText(argument.get(0), "Fn::FindInMap");
        String first = resolveText(argument.get(1), "Fn::FindInMap");
        String second = resolveText(argument.get(2), "Fn::FindInMap");
        JsonNode value = mappings.path(map).path(first).path(second);
        if (value.isMissingNode()) {
            throw new TemplateException("Fn::FindInMap finds nothing at " + map + "/" + first + "/" + second);
        }
        return resolve(value);
    }

    /** Renders a resolved value as JSON text: what an event pattern or constant input holds. */
    static String json(JsonNode node) {
        try {
            return node.isTextual() ? node.asText() : JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new TemplateException("cannot render " + node + " as JSON: " + e.getMessage());
        }
    }

    static TextNode text(String value) {
        return NODES.textNode(value);
    }
}
