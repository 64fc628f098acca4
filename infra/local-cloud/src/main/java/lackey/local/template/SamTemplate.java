package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lackey.emulators.S3ProxyServer;

/**
 * What the local cloud runs, read from template.yaml: functions (SAM {@code Globals} merged, environment
 * resolved to local values), their HTTP routes and schedules, tables, buckets, buses and EventBridge
 * rules. Nothing about them is written down anywhere else.
 */
public final class SamTemplate {

    private final LocalNames names;
    private final Intrinsics intrinsics;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final List<FunctionDefinition> functions = new ArrayList<>();
    private final List<TableDefinition> tables = new ArrayList<>();
    private final List<BucketDefinition> buckets = new ArrayList<>();
    private final List<BusDefinition> buses = new ArrayList<>();
    private final List<ClusterDefinition> clusters = new ArrayList<>();
    private final List<RuleDefinition> rules = new ArrayList<>();
    private final List<QueueDefinition> queues = new ArrayList<>();
    private final List<QueueSubscription> subscriptions = new ArrayList<>();
    private final JsonNode resources;

    private SamTemplate(JsonNode template, LocalNames names) {
        this.names = names;
        this.resources = template.path("Resources");
        this.intrinsics = new Intrinsics(template, names);
        for (Map.Entry<String, JsonNode> parameter : template.path("Parameters").properties()) {
            JsonNode value = intrinsics.ref(parameter.getKey());
            parameters.put(parameter.getKey(), value.isArray() ? joined(value) : value.asText());
        }
        JsonNode globals = template.path("Globals").path("Function");
        Map<String, String> functionArns = new HashMap<>();
        for (Map.Entry<String, JsonNode> resource : template.path("Resources").properties()) {
            String type = resource.getValue().path("Type").asText();
            if (type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function")) {
                functionArns.put(intrinsics.attribute(resource.getKey(), "Arn"), resource.getKey());
            }
        }
        for (Map.Entry<String, JsonNode> entry : template.path("Resources").properties()) {
            String logicalId = entry.getKey();
            JsonNode resource = entry.getValue();
            if (resource.has("Condition") && !intrinsics.condition(resource.get("Condition").asText())) {
                continue;
            }
            JsonNode properties = resource.path("Properties");
            switch (resource.path("Type").asText()) {
                case "AWS::Serverless::Function" -> readFunction(logicalId, merged(globals, properties));
                case "AWS::DynamoDB::Table" -> tables.add(new TableDefinition(logicalId,
                        intrinsics.physicalName(logicalId), intrinsics.resolve(properties)));
                case "AWS::Serverless::SimpleTable" -> tables.add(new TableDefinition(logicalId,
                        intrinsics.physicalName(logicalId), simpleTable(intrinsics.resolve(properties))));
                case "AWS::S3::Bucket" -> buckets.add(new BucketDefinition(logicalId, intrinsics.physicalName(logicalId),
                        properties.path("NotificationConfiguration").path("EventBridgeConfiguration")
                                .path("EventBridgeEnabled").asBoolean(false),
                        corsRules(intrinsics.resolve(properties.path("CorsConfiguration")).path("CorsRules"))));
                case "AWS::Events::EventBus" -> buses.add(new BusDefinition(logicalId, intrinsics.physicalName(logicalId)));
                case "AWS::Events::Rule" -> rules.add(readRule(logicalId, template, intrinsics.resolve(properties), functionArns));
                case "AWS::ECS::Cluster" -> clusters.add(new ClusterDefinition(logicalId,
                        intrinsics.physicalName(logicalId), intrinsics.attribute(logicalId, "Arn")));
                case "AWS::SQS::Queue" -> queues.add(new QueueDefinition(logicalId, intrinsics.physicalName(logicalId),
                        intrinsics.attribute(logicalId, "Arn"), Duration.ofSeconds(intOr(properties.get("VisibilityTimeout"),
                        30, logicalId + ".VisibilityTimeout"))));
                case "AWS::Lambda::EventSourceMapping" -> readMapping(logicalId, intrinsics.resolve(properties), functionArns);
                default -> {
                    // other resources (policies, roles, task definitions, the HTTP API itself) need no local counterpart
                }
            }
        }
    }

    private static List<S3ProxyServer.CorsRule> corsRules(JsonNode rules) {
        List<S3ProxyServer.CorsRule> read = new ArrayList<>();
        for (JsonNode rule : rules) {
            read.add(new S3ProxyServer.CorsRule(texts(rule.path("AllowedOrigins")), texts(rule.path("AllowedMethods")),
                    texts(rule.path("AllowedHeaders"))));
        }
        return read;
    }

    private static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        list.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    /** Reads template.yaml (CloudFormation short tags included) and resolves it with the local names. */
    public static SamTemplate read(Path templateYaml, LocalNames names) {
        return of(CloudFormationYaml.read(templateYaml), names);
    }

    /** Builds the model from a template already parsed to JSON. */
    public static SamTemplate of(JsonNode template, LocalNames names) {
        return new SamTemplate(template, names);
    }

    public LocalNames names() {
        return names;
    }

    /** Parameter values in force locally (defaults unless overridden); lists joined with commas. */
    public Map<String, String> parameters() {
        return Map.copyOf(parameters);
    }

    public List<FunctionDefinition> functions() {
        return List.copyOf(functions);
    }

    /** The function with this logical id or function name. */
    public Optional<FunctionDefinition> function(String name) {
        return functions.stream().filter(f -> f.logicalId().equals(name) || f.functionName().equals(name)).findFirst();
    }

    public List<TableDefinition> tables() {
        return List.copyOf(tables);
    }

    public List<BucketDefinition> buckets() {
        return List.copyOf(buckets);
    }

    public List<BusDefinition> buses() {
        return List.copyOf(buses);
    }

    /** The ECS clusters: the local ECS endpoint knows these, and only these. */
    public List<ClusterDefinition> clusters() {
        return List.copyOf(clusters);
    }

    /** Every rule: the template's {@code AWS::Events::Rule}s and those SAM makes from function events. */
    public List<RuleDefinition> rules() {
        return List.copyOf(rules);
    }

    /** The queues: the dead-letter queues of EventBridge targets. */
    public List<QueueDefinition> queues() {
        return List.copyOf(queues);
    }

    /** The functions that read queues (event source mappings), and the queues they read. */
    public List<QueueSubscription> queueSubscriptions() {
        return List.copyOf(subscriptions);
    }

    /** Every HTTP route of every function. */
    public List<HttpRoute> routes() {
        return functions.stream().flatMap(f -> f.routes().stream()).toList();
    }

    private void readFunction(String logicalId, JsonNode properties) {
        String handler = intrinsics.resolveText(properties.get("Handler"), logicalId + ".Handler");
        if (handler == null) {
            throw new TemplateException(logicalId + " has no Handler");
        }
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);

        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> variable : properties.path("Environment").path("Variables").properties()) {
            String value = intrinsics.resolveText(variable.getValue(), logicalId + " environment " + variable.getKey());
            if (value != null) {
                environment.put(variable.getKey(), value);
            }
        }
        String functionName = intrinsics.physicalName(logicalId);
        int timeout = intOr(properties.get("Timeout"), 3, logicalId + ".Timeout");
        int memory = intOr(properties.get("MemorySize"), 128, logicalId + ".MemorySize");

        List<HttpRoute> routes = new ArrayList<>();
        List<ScheduleDefinition> schedules = new ArrayList<>();
        for (Map.Entry<String, JsonNode> event : properties.path("Events").properties()) {
            String eventName = event.getKey();
            JsonNode eventProperties = intrinsics.resolve(event.getValue().path("Properties"));
            String functionArn = intrinsics.attribute(logicalId, "Arn");
            RuleTarget target = new RuleTarget(logicalId + eventName + "Target", functionArn, Optional.of(logicalId),
                    text(eventProperties, "Input"), text(eventProperties, "InputPath"),
                    transformer(eventProperties.get("InputTransformer")), Optional.empty(), retryPolicy(eventProperties),
                    deadLetterArn(eventProperties));
            switch (event.getValue().path("Type").asText()) {
                case "HttpApi" -> routes.add(new HttpRoute(
                        eventProperties.path("Method").asText("ANY").toUpperCase(Locale.ROOT).replace("*", "ANY"),
                        eventProperties.path("Path").asText("$default"), logicalId,
                        authorizer(event.getValue().path("Properties"))));
                case "Schedule", "ScheduleV2" -> {
                    String expression = text(eventProperties, "Schedule")
                            .or(() -> text(eventProperties, "ScheduleExpression"))
                            .orElseThrow(() -> new TemplateException(logicalId + " event " + eventName + " has no schedule"));
                    boolean enabled = enabled(eventProperties);
                    ScheduleDefinition schedule = new ScheduleDefinition(eventName, expression, enabled, target.input());
                    schedules.add(schedule);
                    rules.add(new RuleDefinition(logicalId + eventName,
                            text(eventProperties, "Name").orElse(logicalId + eventName), "default", Optional.empty(),
                            Optional.of(expression), enabled, List.of(target)));
                }
                case "EventBridgeRule", "CloudWatchEvent" -> rules.add(new RuleDefinition(logicalId + eventName,
                        text(eventProperties, "RuleName").orElse(logicalId + eventName),
                        busName(text(eventProperties, "EventBusName").orElse("default")),
                        Optional.of(Intrinsics.json(eventProperties.path("Pattern"))), Optional.empty(),
                        enabled(eventProperties), List.of(target)));
                case "SQS" -> subscriptions.add(new QueueSubscription(eventProperties.path("Queue").asText(), logicalId,
                        eventProperties.path("BatchSize").asInt(10), reportsBatchItemFailures(eventProperties)));
                default -> {
                    // other event sources (S3, Kinesis …) are not emulated
                }
            }
        }
        String runtime = intrinsics.resolveText(properties.get("Runtime"), logicalId + ".Runtime");
        String codeUri = properties.path("CodeUri").isTextual() ? properties.path("CodeUri").asText() : "";
        JsonNode reserved = intrinsics.resolve(properties.path("ReservedConcurrentExecutions"));
        int reservedConcurrency = reserved.canConvertToInt() ? reserved.asInt() : reserved.isTextual()
                && reserved.asText().matches("\\d+") ? Integer.parseInt(reserved.asText()) : 0;
        functions.add(new FunctionDefinition(logicalId, functionName, handlerClass, handlerMethod, environment,
                timeout, memory, routes, schedules, runtime == null ? "java25" : runtime, codeUri, reservedConcurrency));
    }

    /** A route's authorizer: its own, else its API's default (an implicit API has none), else NONE. */
    private String authorizer(JsonNode eventProperties) {
        JsonNode own = eventProperties.path("Auth").path("Authorizer");
        if (own.isTextual()) {
            return own.asText();
        }
        String api = eventProperties.path("ApiId").path("Ref").asText("");
        return resources.path(api).path("Properties").path("Auth").path("DefaultAuthorizer").asText("NONE");
    }

    private RuleDefinition readRule(String logicalId, JsonNode template, JsonNode properties,
                                    Map<String, String> functionArns) {
        List<RuleTarget> targets = new ArrayList<>();
        for (JsonNode target : properties.path("Targets")) {
            String arn = target.path("Arn").asText();
            Optional<String> function = Optional.ofNullable(functionArns.get(arn));
            Optional<EcsTaskTarget> ecs = Optional.empty();
            if (target.has("EcsParameters")) {
                JsonNode ecsParameters = target.get("EcsParameters");
                ecs = Optional.of(new EcsTaskTarget(ecsParameters,
                        containers(template, ecsParameters.path("TaskDefinitionArn").asText())));
            }
            targets.add(new RuleTarget(target.path("Id").asText(), arn, function, text(target, "Input"),
                    text(target, "InputPath"), transformer(target.get("InputTransformer")), ecs, retryPolicy(target),
                    deadLetterArn(target)));
        }
        JsonNode pattern = properties.get("EventPattern");
        return new RuleDefinition(logicalId, intrinsics.physicalName(logicalId),
                busName(text(properties, "EventBusName").orElse("default")),
                pattern == null ? Optional.empty() : Optional.of(Intrinsics.json(pattern)),
                text(properties, "ScheduleExpression"), enabled(properties), targets);
    }

    // An event source mapping names its function by name or ARN; locally a function's name is its logical id.
    private void readMapping(String logicalId, JsonNode properties, Map<String, String> functionArns) {
        if (properties.has("Enabled") && !properties.get("Enabled").asBoolean(true)) {
            return;
        }
        String named = properties.path("FunctionName").asText();
        String function = functionArns.getOrDefault(named, functionArns.values().stream()
                .filter(id -> intrinsics.physicalName(id).equals(named)).findFirst()
                .orElseThrow(() -> new TemplateException(logicalId + ".FunctionName names no function of the template: " + named)));
        subscriptions.add(new QueueSubscription(properties.path("EventSourceArn").asText(), function,
                properties.path("BatchSize").asInt(10), reportsBatchItemFailures(properties)));
    }

    private static boolean reportsBatchItemFailures(JsonNode properties) {
        for (JsonNode type : properties.path("FunctionResponseTypes")) {
            if (type.asText().equals("ReportBatchItemFailures")) {
                return true;
            }
        }
        return false;
    }

    private static RetryPolicy retryPolicy(JsonNode target) {
        JsonNode policy = target.path("RetryPolicy");
        return new RetryPolicy(policy.path("MaximumRetryAttempts").asInt(RetryPolicy.DEFAULT.maximumRetryAttempts()),
                policy.has("MaximumEventAgeInSeconds") ? Duration.ofSeconds(policy.path("MaximumEventAgeInSeconds").asLong())
                        : RetryPolicy.DEFAULT.maximumEventAge());
    }

    private static Optional<String> deadLetterArn(JsonNode target) {
        JsonNode arn = target.path("DeadLetterConfig").path("Arn");
        return arn.isTextual() ? Optional.of(arn.asText()) : Optional.empty();
    }

    private List<ContainerDefinition> containers(JsonNode template, String taskDefinitionArn) {
        List<ContainerDefinition> containers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : template.path("Resources").properties()) {
            if (!resource.getValue().path("Type").asText().equals("AWS::ECS::TaskDefinition")
                    || !intrinsics.attribute(resource.getKey(), "Arn").equals(taskDefinitionArn)) {
                continue;
            }
            JsonNode definitions = intrinsics.resolve(resource.getValue().path("Properties").path("ContainerDefinitions"));
            for (JsonNode container : definitions) {
                List<String> command = new ArrayList<>();
                container.path("Command").forEach(part -> command.add(part.asText()));
                Map<String, String> environment = new LinkedHashMap<>();
                container.path("Environment").forEach(pair -> environment.put(pair.path("Name").asText(),
                        pair.path("Value").asText()));
                containers.add(new ContainerDefinition(container.path("Name").asText(), container.path("Image").asText(""),
                        command, environment));
            }
        }
        return containers;
    }

    private static Optional<InputTransformerDefinition> transformer(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        Map<String, String> paths = new LinkedHashMap<>();
        node.path("InputPathsMap").properties().forEach(e -> paths.put(e.getKey(), e.getValue().asText()));
        return Optional.of(new InputTransformerDefinition(paths, node.path("InputTemplate").asText()));
    }

    // EventBusName may be a name or an ARN ending in event-bus/<name>.
    private static String busName(String nameOrArn) {
        int at = nameOrArn.lastIndexOf("event-bus/");
        return at < 0 ? nameOrArn : nameOrArn.substring(at + "event-bus/".length());
    }

    private static boolean enabled(JsonNode properties) {
        if (properties.has("Enabled")) {
            return properties.get("Enabled").asBoolean(Boolean.parseBoolean(properties.get("Enabled").asText()));
        }
        if (properties.has("State")) {
            return properties.get("State").asText().equalsIgnoreCase("ENABLED");
        }
        return true;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(Intrinsics.json(value));
    }

    private int intOr(JsonNode node, int fallback, String where) {
        String text = node == null ? null : intrinsics.resolveText(node, where);
        try {
            return text == null ? fallback : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " is not a whole number: " + text);
        }
    }

    private static String joined(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(item.asText()));
        return String.join(",", items);
    }

    // SAM's Globals: maps merge (the function's own entries win), anything else the function sets replaces the global.
    static JsonNode merged(JsonNode globals, JsonNode own) {
        if (globals == null || globals.isMissingNode() || !globals.isObject()) {
            return own;
        }
        if (own == null || own.isMissingNode() || !own.isObject()) {
            return own == null || own.isMissingNode() ? globals : own;
        }
        ObjectNode out = globals.deepCopy();
        for (Map.Entry<String, JsonNode> field : own.properties()) {
            JsonNode global = out.get(field.getKey());
            boolean intrinsic = field.getValue().size() == 1 && field.getValue().isObject()
                    && field.getValue().fieldNames().next().matches("Ref|Fn::.*");
            if (global != null && global.isObject() && field.getValue().isObject() && !intrinsic) {
                out.set(field.getKey(), merged(global, field.getValue()));
            } else {
                out.set(field.getKey(), field.getValue());
            }
        }
        return out;
    }

    private static JsonNode simpleTable(JsonNode properties) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        String name = properties.path("PrimaryKey").path("Name").asText("id");
        String type = properties.path("PrimaryKey").path("Type").asText("String");
        ObjectNode table = nodes.objectNode();
        table.putArray("AttributeDefinitions").addObject().put("AttributeName", name)
                .put("AttributeType", type.equals("Number") ? "N" : type.equals("Binary") ? "B" : "S");
        table.putArray("KeySchema").addObject().put("AttributeName", name).put("KeyType", "HASH");
        table.put("BillingMode", "PAY_PER_REQUEST");
        return table;
    }
}
