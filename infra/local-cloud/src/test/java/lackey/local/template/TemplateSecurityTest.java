package lackey.local.template;

import static lackey.local.template.TemplateJson.properties;
import static lackey.local.template.TemplateJson.ref;
import static lackey.local.template.TemplateJson.resourcesOfType;
import static lackey.local.template.TemplateJson.routeKeys;
import static lackey.local.template.TemplateJson.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The security and capacity settings of template.yaml: no policy allows every action or every resource except
 * where AWS requires it (each such place allow-listed here with the reason), throttling on every route and a
 * tighter one on the unauthenticated simulation routes, reserved concurrency for the functions a flood could
 * reach, and JSON logs.
 */
class TemplateSecurityTest {

    /**
     * The only statements that may allow a wildcard action or every resource ("owner/Sid"), and why. In a key
     * policy, Resource '*' means the key itself; kms:* for the account is AWS's default key policy, without which
     * the key could become unmanageable.
     */
    static final Map<String, String> WILDCARDS_AWS_REQUIRES = Map.of(
            "RunNotificationsKey/AccountAdministersTheKey", "AWS's default key policy: the account's IAM policies administer the key",
            "RunNotificationsKey/EventBridgeEncryptsNotifications", "a key policy's Resource '*' is the key itself",
            "RunNotificationsKey/StackAlarmsEncryptNotifications", "a key policy's Resource '*' is the key itself");

    /** The functions behind the simulation's unauthenticated routes, whose concurrency is capped. */
    private static final Set<String> SIMULATION_FUNCTIONS = Set.of("StartRunFunction", "StopRunFunction",
            "HeartbeatRunFunction", "LogUploadFunction", "OutputUploadFunction");
    /** Lambda's default concurrency quota per account and region, and the part AWS keeps unreserved. */
    private static final int DEFAULT_ACCOUNT_CONCURRENCY = 1000;
    private static final int UNRESERVED_MINIMUM = 100;

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationYaml.read(ProjectFiles.template());
    }

    // ------------------------------------------------------------------ least privilege

    /** An Allow statement of some policy in a template, and where it is ("owner/Sid", or "owner/#index"). */
    record PolicyStatement(String place, JsonNode statement) {
    }

    /**
     * Every statement of every policy in {@code template}: a function's inline policies, a role's policies, and
     * any PolicyDocument or KeyPolicy (bucket, topic, queue, key …). Trust policies are not permissions and are left out.
     */
    static List<PolicyStatement> policyStatements(JsonNode template) {
        List<PolicyStatement> found = new ArrayList<>();
        template.path("Resources").properties().forEach(resource -> {
            JsonNode properties = resource.getValue().path("Properties");
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                properties.path("Policies").forEach(policy -> collect(resource.getKey(), policy, found));
            }
            findPolicies(resource.getKey(), properties, found);
        });
        return found;
    }

    private static void findPolicies(String owner, JsonNode node, List<PolicyStatement> found) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("PolicyDocument") || field.getKey().equals("KeyPolicy")) {
                    collect(owner, field.getValue(), found);
                } else if (!field.getKey().equals("AssumeRolePolicyDocument")) {
                    findPolicies(owner, field.getValue(), found);
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> findPolicies(owner, item, found));
        }
    }

    private static void collect(String owner, JsonNode policy, List<PolicyStatement> found) {
        int index = 0;
        for (JsonNode statement : policy.path("Statement")) {
            String sid = statement.path("Sid").asText("#" + index++);
            found.add(new PolicyStatement(owner + "/" + sid, statement));
        }
    }

    /** What is wrong with the Allow statements of {@code template}, beyond the allow-listed places. */
    static List<String> wildcardProblems(JsonNode template, Map<String, String> allowed) {
        List<String> problems = new ArrayList<>();
        for (PolicyStatement found : policyStatements(template)) {
            JsonNode statement = found.statement();
            if (!"Allow".equals(statement.path("Effect").asText()) || allowed.containsKey(found.place())) {
                continue;
            }
            if (statement.has("NotAction") || statement.has("NotResource")) {
                problems.add(found.place() + " allows by exclusion (NotAction/NotResource)");
            }
            texts(statement.path("Action")).stream().filter(action -> action.contains("*"))
                    .forEach(action -> problems.add(found.place() + " allows the wildcard action " + action));
            if (texts(statement.path("Resource")).contains("*")) {
                problems.add(found.place() + " allows its actions on every resource");
            }
            if (statement.has("Principal") && texts(statement.path("Principal")).contains("*")) {
                problems.add(found.place() + " allows anyone (Principal *)");
            }
        }
        return problems;
    }

    @Test
    void noPolicyAllowsAWildcardActionOrEveryResourceExceptWhereAwsRequiresIt() {
        List<String> problems = wildcardProblems(template, WILDCARDS_AWS_REQUIRES);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        Set<String> places = policyStatements(template).stream().map(PolicyStatement::place).collect(Collectors.toSet());
        assertTrue(places.containsAll(WILDCARDS_AWS_REQUIRES.keySet()),
                "allow-listed statements that no longer exist (drop them from the list): " + WILDCARDS_AWS_REQUIRES.keySet());
        assertTrue(places.stream().anyMatch(place -> place.startsWith("RunsBucketPolicy/"))
                        && places.stream().anyMatch(place -> place.startsWith("RunNotificationsTopicPolicy/"))
                        && places.stream().anyMatch(place -> place.startsWith("StartRunFunction/"))
                        && places.stream().anyMatch(place -> place.startsWith("DispatchRole/")),
                "the walk must reach bucket, topic, function and role policies: " + places);
    }

    @Test
    void theWildcardCheckFindsEveryKindOfWildcard() {
        ObjectNode broken = template.deepCopy();
        ArrayNode statements = (ArrayNode) properties(broken, "GetRunFunction").at("/Policies/0/Statement");
        statements.addObject().put("Effect", "Allow").put("Action", "s3:*").put("Resource", "*");
        ArrayNode bucketPolicy = (ArrayNode) properties(broken, "RunsBucketPolicy").at("/PolicyDocument/Statement");
        bucketPolicy.addObject().put("Sid", "Public").put("Effect", "Allow").put("Principal", "*")
                .put("Action", "s3:GetObject").set("Resource", ref("RunsBucket"));
        ArrayNode keyPolicy = (ArrayNode) properties(broken, "RunNotificationsKey").at("/KeyPolicy/Statement");
        keyPolicy.addObject().put("Sid", "Loose").put("Effect", "Allow").put("Action", "kms:Decrypt").put("Resource", "*");
        List<String> problems = wildcardProblems(broken, WILDCARDS_AWS_REQUIRES);
        assertEquals(List.of("GetRunFunction/#1 allows the wildcard action s3:*", "GetRunFunction/#1 allows its actions on every resource",
                "RunsBucketPolicy/Public allows anyone (Principal *)", "RunNotificationsKey/Loose allows its actions on every resource"),
                problems);
    }

    // ------------------------------------------------------------------ throttling

    @Test
    void everyRouteIsThrottledByDefault() {
        JsonNode settings = properties(template, "LackeyApi").path("DefaultRouteSettings");
        assertEquals(ref("ApiRateLimit"), settings.path("ThrottlingRateLimit"));
        assertEquals(ref("ApiBurstLimit"), settings.path("ThrottlingBurstLimit"));
        assertEquals(1000, numberDefault("ApiRateLimit"), "1,000 runs a second can be scheduled one by one");
        assertEquals(2000, numberDefault("ApiBurstLimit"));
    }

    @Test
    void unauthenticatedRoutesHaveATighterThrottleOfTheirOwn() {
        Set<String> throttled = new TreeSet<>();
        Set<String> unauthenticated = new TreeSet<>();
        Map<String, String> routes = routeKeys(template);
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) ->
                function.at("/Properties/Events").properties().forEach(event -> {
                    JsonNode properties = event.getValue().path("Properties");
                    String route = routes.get(id + "." + event.getKey());
                    if ("NONE".equals(properties.at("/Auth/Authorizer").asText())) {
                        unauthenticated.add(route);
                    }
                    if (properties.has("RouteSettings")) {
                        throttled.add(route);
                        assertEquals(ref("SimulationRouteRateLimit"), properties.at("/RouteSettings/ThrottlingRateLimit"), route);
                        assertEquals(ref("SimulationRouteBurstLimit"), properties.at("/RouteSettings/ThrottlingBurstLimit"), route);
                    }
                }));
        assertEquals(Set.of("PUT /api/run/start/{id}", "PUT /api/run/stop/{id}", "PUT /api/run/heartbeat/{id}",
                "POST /api/run/log-upload/{id}", "POST /api/run/output-upload/{id}"), unauthenticated);
        assertEquals(unauthenticated, throttled, "exactly the unauthenticated routes get a throttle of their own");
        assertTrue(numberDefault("SimulationRouteRateLimit") < numberDefault("ApiRateLimit")
                && numberDefault("SimulationRouteBurstLimit") < numberDefault("ApiBurstLimit"), "tighter than the default");
        assertTrue(numberDefault("SimulationRouteRateLimit") >= 10_000 / 60,
                "room for the heartbeats of a 10,000-run sweep, one a minute each");
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void functionsAFloodCouldReachHaveReservedConcurrency() {
        Map<String, String> capped = new TreeMap<>();
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode reserved = function.at("/Properties/ReservedConcurrentExecutions");
            if (!reserved.isMissingNode()) {
                JsonNode choice = reserved.path("Fn::If");
                assertEquals(ref("AWS::NoValue"), choice.path(2), id + ": the cap can be turned off");
                capped.put(id, choice.path(1).path("Ref").asText());
                assertEquals(choice.path(1).path("Ref").asText(),
                        template.at("/Conditions/" + choice.path(0).asText() + "/Fn::Not/0/Fn::Equals/0/Ref").asText(),
                        id + ": the condition turns the cap off at 0");
            }
        });
        Map<String, String> expected = new TreeMap<>();
        SIMULATION_FUNCTIONS.forEach(id -> expected.put(id, "SimulationFunctionConcurrency"));
        expected.put("RecordOutputFunction", "RecordOutputConcurrency");
        assertEquals(expected, capped, "the functions behind unauthenticated routes, and the one a sweep's outputs flood");
        Set<String> behindUnauthenticatedRoutes = new TreeSet<>();
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) ->
                function.at("/Properties/Events").forEach(event -> {
                    if ("NONE".equals(event.at("/Properties/Auth/Authorizer").asText())) {
                        behindUnauthenticatedRoutes.add(id);
                    }
                }));
        assertEquals(SIMULATION_FUNCTIONS, behindUnauthenticatedRoutes);
        int reserved = SIMULATION_FUNCTIONS.size() * numberDefault("SimulationFunctionConcurrency")
                + numberDefault("RecordOutputConcurrency");
        assertTrue(reserved > 0 && reserved + UNRESERVED_MINIMUM <= DEFAULT_ACCOUNT_CONCURRENCY,
                "the defaults reserve " + reserved + " of an account's default " + DEFAULT_ACCOUNT_CONCURRENCY
                        + ", leaving the " + UNRESERVED_MINIMUM + " Lambda keeps unreserved and more");
        assertEquals(0, template.at("/Parameters/SimulationFunctionConcurrency/MinValue").asInt(-1), "0 turns the cap off");
    }

    // ------------------------------------------------------------------ logs

    @Test
    void everyFunctionLogsJsonLines() {
        assertEquals("JSON", template.at("/Globals/Function/LoggingConfig/LogFormat").asText());
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) -> assertFalse(
                function.at("/Properties/LoggingConfig/LogFormat").isTextual(), id + " must not change the log format"));
    }

    private static int numberDefault(String parameter) {
        JsonNode declared = template.path("Parameters").path(parameter);
        assertEquals("Number", declared.path("Type").asText(), parameter);
        assertTrue(declared.path("Default").canConvertToInt(), parameter + " needs a default");
        return declared.path("Default").asInt();
    }
}
