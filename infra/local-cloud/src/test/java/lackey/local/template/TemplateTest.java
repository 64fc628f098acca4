package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks template.yaml, the single source of truth, against AWS's SAM schema (vendored in src/test/resources/sam-schema)
 * and against the contract: handlers, routes and their authorization, least-privilege policies, storage settings,
 * the dispatch rule, and the sample events in events/ that SAM and the tests share.
 */
class TemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";

    /** The functions of the contract and their handlers. */
    private static final Map<String, String> CONTRACT_HANDLERS = Map.ofEntries(
            Map.entry("ScheduleRunFunction", "lackey.api.ScheduleRunHandler::handleRequest"),
            Map.entry("StartRunFunction", "lackey.api.StartRunHandler::handleRequest"),
            Map.entry("StopRunFunction", "lackey.api.StopRunHandler::handleRequest"),
            Map.entry("GetRunFunction", "lackey.api.GetRunHandler::handleRequest"),
            Map.entry("RecurringRunFunction", "lackey.api.RecurringRunHandler::handleRequest"),
            Map.entry("HeartbeatRunFunction", "lackey.api.HeartbeatRunHandler::handleRequest"),
            Map.entry("SweepRunsFunction", "lackey.api.SweepRunsHandler::handleRequest"),
            Map.entry("CancelRunFunction", "lackey.api.CancelRunHandler::handleRequest"),
            Map.entry("StopSimulationFunction", "lackey.api.StopSimulationHandler::handleRequest"),
            Map.entry("ListRunsFunction", "lackey.api.ListRunsHandler::handleRequest"),
            Map.entry("ScheduleSweepFunction", "lackey.api.ScheduleSweepHandler::handleRequest"),
            Map.entry("GetRunLogFunction", "lackey.api.GetRunLogHandler::handleRequest"),
            Map.entry("LogUploadFunction", "lackey.api.LogUploadHandler::handleRequest"),
            Map.entry("ListRunFilesFunction", "lackey.api.ListRunFilesHandler::handleRequest"),
            Map.entry("RecordOutputFunction", "lackey.api.RecordOutputHandler::handleRequest"),
            Map.entry("InputUploadFunction", "lackey.api.InputUploadHandler::handleRequest"),
            Map.entry("OutputUploadFunction", "lackey.api.OutputUploadHandler::handleRequest"));

    /** Routes the simulation calls with its run token; every other route is for operators. */
    private static final Set<String> SIMULATION_ROUTES = Set.of("PUT /api/run/start/{id}", "PUT /api/run/stop/{id}",
            "PUT /api/run/heartbeat/{id}", "POST /api/run/log-upload/{id}", "POST /api/run/output-upload/{id}");
    private static final Set<String> CONTRACT_OPERATOR_ROUTES = Set.of("POST /api/run", "GET /api/run/{id}", "GET /api/runs",
            "POST /api/runs",
            "GET /api/run/{id}/log", "GET /api/run/{id}/files", "POST /api/run/{id}/inputs");

    private static JsonNode template;
    private static JsonSchema samSchema;

    @BeforeAll
    static void readTemplateAndSchema() throws IOException {
        template = CloudFormationYaml.read(ProjectFiles.template());
        Path schemaFile = ProjectFiles.samSchema();
        samSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                .getSchema(schemaFile.toUri(), JSON.readTree(schemaFile.toFile()));
    }

    // ------------------------------------------------------------------ (a) SAM schema

    @Test
    void templateSatisfiesTheSamSchema() {
        Set<ValidationMessage> problems = samSchema.validate(template);
        assertTrue(problems.isEmpty(), () -> "template.yaml breaks the SAM schema:\n" + describe(problems));
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                Arguments.of("unknown property on a Serverless::Function", "Colour", (Consumer<ObjectNode>) t ->
                        properties(t, "ScheduleRunFunction").put("Colour", "blue")),
                Arguments.of("misspelt HttpApi auth property", "EnableIamAuthoriser", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) properties(t, "LackeyApi").path("Auth")).put("EnableIamAuthoriser", true)),
                Arguments.of("string where SAM wants a boolean", "EnableIamAuthorizer", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) properties(t, "LackeyApi").path("Auth")).put("EnableIamAuthorizer", "yes")),
                Arguments.of("unknown Tracing mode in Globals", "Tracing", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) t.path("Globals").path("Function")).put("Tracing", "Sometimes")),
                Arguments.of("unknown event type", "Events.GetRun", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) properties(t, "GetRunFunction").path("Events").path("GetRun")).put("Type", "HttpAPI")),
                Arguments.of("Schedule event Enabled given as a condition", "Enabled", (Consumer<ObjectNode>) t -> {
                    ObjectNode condition = JSON.createObjectNode();
                    condition.putArray("Fn::If").add("HasRecurringRun").add(true).add(false);
                    ((ObjectNode) properties(t, "RecurringRunFunction").at("/Events/RecurringRun/Properties"))
                            .set("Enabled", condition);
                }));
    }

    /** Shows the schema check has teeth: each deliberate mistake must be caught. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void samSchemaRejectsABrokenTemplate(String mistake, String culprit, Consumer<ObjectNode> breakIt) {
        ObjectNode broken = template.deepCopy();
        breakIt.accept(broken);
        assertNotEquals(template, broken, "the mutation changed nothing");
        Set<ValidationMessage> problems = samSchema.validate(broken);
        assertFalse(problems.isEmpty(), "the SAM schema accepted a template with " + mistake);
        // Rejected for this mistake, not for something else: a message points at the broken property.
        assertTrue(problems.stream().anyMatch(problem -> problem.toString().contains(culprit)),
                () -> "no message about " + culprit + ":\n" + describe(problems));
    }

    // ------------------------------------------------------------------ (b) handlers

    @Test
    void declaresTheFunctionsOfTheContract() {
        Map<String, String> handlers = handlersByFunction();
        CONTRACT_HANDLERS.forEach((function, handler) ->
                assertEquals(handler, handlers.get(function), "handler of " + function));
    }

    /**
     * Maven builds the code, so {@code sam build} must leave it alone (SkipBuild), and each function names its own
     * CodeUri: sam build rewrites a function's relative CodeUri for .aws-sam/build/template.yaml, not one in Globals.
     * SamTransformIT replays build and package; this is the part that needs no tools.
     */
    @Test
    void everyFunctionNamesItsPrebuiltCodeItselfForSamBuild() {
        assertTrue(template.at("/Globals/Function/CodeUri").isMissingNode(), "no CodeUri in Globals");
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            String codeUri = function.at("/Properties/CodeUri").asText("");
            assertTrue(codeUri.matches("[\\w./-]+/target/[\\w.-]+\\.(jar|zip)") && !codeUri.startsWith("/"),
                    id + ": CodeUri must be a relative path to an archive the build makes, not " + codeUri);
            assertTrue(function.at("/Metadata/SkipBuild").asBoolean(false), id + ": Metadata SkipBuild: true");
        });
    }

    @TestFactory
    Stream<DynamicTest> everyHandlerIsALambdaHandlerInLackeyApi() {
        Map<String, String> handlers = new TreeMap<>(handlersByFunction());
        JsonNode global = template.at("/Globals/Function/Handler");
        if (global.isTextual()) {
            handlers.put("Globals", global.textValue());
        }
        assertFalse(handlers.isEmpty(), "template.yaml names no handler");
        return handlers.entrySet().stream().map(entry -> DynamicTest.dynamicTest(
                entry.getKey() + " -> " + entry.getValue(), () -> assertLambdaHandler(entry.getKey(), entry.getValue())));
    }

    private static void assertLambdaHandler(String function, String handler) {
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        String methodName = handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";
        assertTrue(className.startsWith("lackey.api.") && className.lastIndexOf('.') == "lackey.api".length(),
                () -> function + ": handler class " + className + " is not in package lackey.api");
        Class<?> type;
        try {
            type = Class.forName(className, false, TemplateTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            fail(function + ": handler class " + className + " named in template.yaml does not exist");
            return;
        }
        assertTrue(Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers()),
                () -> function + ": " + className + " must be a public concrete class");
        try {
            assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()));
        } catch (NoSuchMethodException e) {
            fail(function + ": " + className + " needs a public no-arg constructor (the Lambda runtime calls it)");
        }
        List<Method> methods = Stream.of(type.getMethods())
                .filter(method -> method.getName().equals(methodName) && !Modifier.isStatic(method.getModifiers()))
                .toList();
        assertFalse(methods.isEmpty(), () -> function + ": " + className + " has no public " + methodName + " method");
    }

    // ------------------------------------------------------------------ (c) routes

    @Test
    void everyHttpApiEventIsOnLackeyApi() {
        JsonNode lackeyApi = JSON.createObjectNode().put("Ref", "LackeyApi");
        httpApiEvents().forEach((name, event) ->
                assertEquals(lackeyApi, event.at("/Properties/ApiId"), name + " must name ApiId !Ref LackeyApi"));
        assertEquals("AWS::Serverless::HttpApi", resource("LackeyApi").path("Type").asText());
    }

    @Test
    void operatorRoutesNeedIamAndSimulationRoutesTheToken() {
        assertTrue(properties(template, "LackeyApi").at("/Auth/EnableIamAuthorizer").asBoolean(false),
                "LackeyApi must enable the IAM authorizer");
        Map<String, String> authorizers = routeAuthorizers();
        assertTrue(authorizers.keySet().containsAll(SIMULATION_ROUTES), "missing simulation routes: " + authorizers);
        assertTrue(authorizers.keySet().containsAll(CONTRACT_OPERATOR_ROUTES), "missing operator routes: " + authorizers);
        authorizers.forEach((route, authorizer) -> assertEquals(
                SIMULATION_ROUTES.contains(route) ? "NONE" : "AWS_IAM", authorizer, "authorizer of " + route));
    }

    // ------------------------------------------------------------------ (d) storage and least privilege

    @Test
    void bucketBlocksAllPublicAccessAndEncrypts() {
        JsonNode bucket = properties(template, "RunsBucket");
        for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertTrue(bucket.path("PublicAccessBlockConfiguration").path(flag).asBoolean(false), flag);
        }
        assertTrue(bucket.at("/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm")
                .isTextual(), "default encryption");
        assertEquals("BucketOwnerEnforced", bucket.at("/OwnershipControls/Rules/0/ObjectOwnership").asText());
    }

    @Test
    void bucketPolicyDeniesRequestsWithoutTls() {
        JsonNode policy = properties(template, "RunsBucketPolicy");
        assertEquals(JSON.createObjectNode().put("Ref", "RunsBucket"), policy.path("Bucket"));
        boolean denies = false;
        for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
            denies |= "Deny".equals(statement.path("Effect").asText())
                    && "s3:*".equals(statement.path("Action").asText())
                    && "*".equals(statement.path("Principal").asText())
                    && "false".equals(statement.at("/Condition/Bool/aws:SecureTransport").asText())
                    && statement.path("Resource").toString().contains("RunsBucket.Arn}/*")
                    && statement.path("Resource").toString().contains("[\"RunsBucket\",\"Arn\"]");
        }
        assertTrue(denies, "RunsBucketPolicy must deny s3:* on the bucket and its objects when aws:SecureTransport is false");
    }

    @Test
    void tableIsOnDemandAndKeyedByNumericId() {
        JsonNode table = properties(template, "RunsTable");
        assertEquals("PAY_PER_REQUEST", table.path("BillingMode").asText());
        assertEquals("id", table.at("/KeySchema/0/AttributeName").asText());
        assertEquals("HASH", table.at("/KeySchema/0/KeyType").asText());
        assertEquals("N", table.at("/AttributeDefinitions/0/AttributeType").asText());
        assertTrue(table.at("/SSESpecification/SSEEnabled").asBoolean(false), "encryption at rest");
    }

    @Test
    void listingIndexesKeyRunsByShardAndScheduleOrderWithEveryAttribute() {
        JsonNode table = properties(template, "RunsTable");
        Map<String, String> types = new TreeMap<>();
        table.path("AttributeDefinitions").forEach(a -> types.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        Map<String, String> listing = Map.of("RunsByTime", "listShard", "RunsByStatus", "statusShard");
        listing.forEach((name, shardKey) -> {
            JsonNode index = null;
            for (JsonNode candidate : table.path("GlobalSecondaryIndexes")) {
                if (name.equals(candidate.path("IndexName").asText())) {
                    index = candidate;
                }
            }
            assertTrue(index != null, "RunsTable has no index " + name);
            assertEquals(shardKey, index.at("/KeySchema/0/AttributeName").asText(), name);
            assertEquals("HASH", index.at("/KeySchema/0/KeyType").asText(), name);
            assertEquals("listOrder", index.at("/KeySchema/1/AttributeName").asText(), name);
            assertEquals("RANGE", index.at("/KeySchema/1/KeyType").asText(), name);
            // ALL: a page is served from the index alone, with no read of the table per run
            assertEquals("ALL", index.at("/Projection/ProjectionType").asText(), name);
            assertEquals("S", types.get(shardKey), shardKey + " is a string attribute");
        });
        assertEquals("S", types.get("listOrder"), "listOrder is a string attribute");
    }

    @Test
    void listFunctionMayOnlyQueryTheListingIndexes() {
        JsonNode statements = properties(template, "ListRunsFunction").at("/Policies/0/Statement");
        assertEquals(1, statements.size(), "one statement: " + statements);
        JsonNode statement = statements.get(0);
        assertEquals(List.of("dynamodb:Query"), TemplateJson.texts(statement.path("Action")), "Query only: no Scan, no GetItem");
        assertEquals(List.of("${RunsTable.Arn}/index/RunsByTime", "${RunsTable.Arn}/index/RunsByStatus"),
                TemplateJson.texts(statement.path("Resource")), "the two listing indexes, not the table");
        assertEquals(List.of("GET /api/runs"), httpApiEvents().entrySet().stream()
                .filter(e -> e.getKey().startsWith("ListRunsFunction."))
                .map(e -> e.getValue().at("/Properties/Method").asText() + " " + e.getValue().at("/Properties/Path").asText())
                .toList());
    }

    @Test
    void sweepFunctionMayOnlyReserveIdsWriteRunsInBatchesAndPublish() {
        JsonNode function = properties(template, "ScheduleSweepFunction");
        JsonNode statements = function.at("/Policies/0/Statement");
        assertEquals(2, statements.size(), "two statements: " + statements);
        // UpdateItem: the id reservation and dispatch-pending marks; BatchWriteItem: the runs, and their undo.
        // No PutItem, no GetItem, no Scan: a sweep never reads.
        assertEquals(List.of("dynamodb:UpdateItem", "dynamodb:BatchWriteItem"), TemplateJson.texts(statements.get(0).path("Action")));
        assertEquals(getAtt("RunsTable", "Arn"), statements.get(0).path("Resource"));
        assertEquals(List.of("events:PutEvents"), TemplateJson.texts(statements.get(1).path("Action")));
        assertEquals(getAtt("RunBus", "Arn"), statements.get(1).path("Resource"));
        assertEquals(120, function.path("Timeout").asInt(), "room for 10,000 runs, retries and an undo");
        assertEquals(2048, function.path("MemorySize").asInt());
        assertEquals(List.of("POST /api/runs"), httpApiEvents().entrySet().stream()
                .filter(e -> e.getKey().startsWith("ScheduleSweepFunction."))
                .map(e -> e.getValue().at("/Properties/Method").asText() + " " + e.getValue().at("/Properties/Path").asText())
                .toList());
    }

    @Test
    void functionPoliciesAreInlineWithoutWildcards() {
        assertTrue(template.at("/Globals/Function/Policies").isMissingNode(), "no policies for every function");
        for (Map.Entry<String, JsonNode> function : resourcesOfType("AWS::Serverless::Function").entrySet()) {
            JsonNode policies = function.getValue().at("/Properties/Policies");
            assertTrue(policies.isArray() && !policies.isEmpty(), function.getKey() + " needs its own policies");
            for (JsonNode policy : policies) {
                // Inline statements only: managed policies and SAM policy templates grant more than the code needs.
                assertTrue(policy.path("Statement").isArray(), function.getKey() + ": not an inline policy: " + policy);
                assertNoWildcards(function.getKey(), policy.path("Statement"));
            }
        }
    }

    @Test
    void inlineRolePoliciesAreWithoutWildcards() {
        for (Map.Entry<String, JsonNode> role : resourcesOfType("AWS::IAM::Role").entrySet()) {
            for (JsonNode policy : role.getValue().at("/Properties/Policies")) {
                assertNoWildcards(role.getKey(), policy.at("/PolicyDocument/Statement"));
            }
        }
    }

    private static void assertNoWildcards(String owner, JsonNode statements) {
        for (JsonNode statement : statements) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            for (String action : TemplateJson.texts(statement.path("Action"))) {
                assertFalse(action.contains("*"), owner + " allows the wildcard action " + action);
            }
            List<String> resources = TemplateJson.texts(statement.path("Resource"));
            assertFalse(resources.isEmpty(), owner + ": a statement without Resource");
            for (String resource : resources) {
                assertNotEquals("*", resource, owner + " allows an action on every resource");
            }
        }
    }

    /**
     * A presigned URL acts with its signer's permissions: the download function may only read logs, the
     * upload function only write them, and only the stop function may look at an upload (HeadObject).
     */
    /**
     * Exchange links act with their signer's permissions: scheduling may only write inputs, the listing only
     * list and read exchange files; the one task role of every run reads inputs and writes outputs, by prefix.
     */
    @Test
    void exchangeFunctionsAndTheTaskRoleMayTouchOnlyExchangeFiles() {
        assertEquals(List.of("${RunsBucket.Arn}/exchange/*/in/*"), grants("ScheduleRunFunction").get("s3:PutObject"));
        assertEquals(Map.of("s3:GetObject", List.of("${RunsBucket.Arn}/exchange/*"), "dynamodb:GetItem", List.of("RunsTable"),
                "s3:ListBucket", List.of("RunsBucket")), grants("ListRunFilesFunction"));
        assertEquals("exchange/*", statementWith("ListRunFilesFunction", "s3:ListBucket")
                .at("/Condition/StringLike/s3:prefix").asText(), "ListBucket only under exchange/");
        Map<String, String> taskRole = new TreeMap<>();
        for (JsonNode policy : properties(template, "SimulationTaskRole").path("Policies")) {
            for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
                TemplateJson.texts(statement.path("Action")).forEach(action -> taskRole.put(action, statement.at("/Resource/Fn::Sub").asText()));
            }
        }
        assertEquals(Map.of("s3:GetObject", "${RunsBucket.Arn}/exchange/*/in/*", "s3:PutObject", "${RunsBucket.Arn}/exchange/*/out/*"),
                taskRole);
    }

    @Test
    void uploadLinkFunctionsMayReadTheRunAndSignOnlyTheirSideOfTheFolder() {
        assertEquals(Map.of("s3:PutObject", List.of("${RunsBucket.Arn}/exchange/*/in/*"), "dynamodb:GetItem", List.of("RunsTable")),
                grants("InputUploadFunction"));
        assertEquals(Map.of("s3:PutObject", List.of("${RunsBucket.Arn}/exchange/*/out/*"), "dynamodb:GetItem", List.of("RunsTable")),
                grants("OutputUploadFunction"));
    }

    @Test
    void logLinkFunctionsMaySignOnlyWhatTheirLinksDo() {
        assertEquals(Map.of("s3:GetObject", List.of("${RunsBucket.Arn}/logs/*"), "dynamodb:GetItem", List.of("RunsTable")),
                grants("GetRunLogFunction"));
        assertEquals(Map.of("s3:PutObject", List.of("${RunsBucket.Arn}/logs/*"), "dynamodb:GetItem", List.of("RunsTable")),
                grants("LogUploadFunction"));
        Map<String, List<String>> stop = grants("StopRunFunction");
        assertEquals(List.of("${RunsBucket.Arn}/logs/*"), stop.get("s3:GetObject"), "HeadObject of an upload");
        JsonNode list = statementWith("StopRunFunction", "s3:ListBucket");
        assertEquals("logs/*", list.at("/Condition/StringLike/s3:prefix").asText(),
                "ListBucket (404 rather than 403 for a missing upload) only under logs/");
    }

    @Test
    void waitingRunsAreFoundThroughASparseIndexThatOnlyRecordOutputMayQuery() {
        JsonNode table = properties(template, "RunsTable");
        JsonNode index = null;
        for (JsonNode candidate : table.path("GlobalSecondaryIndexes")) {
            if ("RunsByAwaitedFile".equals(candidate.path("IndexName").asText())) {
                index = candidate;
            }
        }
        assertTrue(index != null, "RunsTable has no index RunsByAwaitedFile");
        assertEquals("awaitKey", index.at("/KeySchema/0/AttributeName").asText());
        assertEquals(1, index.path("KeySchema").size(), "hash key only");
        assertEquals("ALL", index.at("/Projection/ProjectionType").asText());
        assertEquals(List.of("${RunsTable.Arn}/index/RunsByAwaitedFile"),
                TemplateJson.texts(statementWith("RecordOutputFunction", "dynamodb:Query").at("/Resource/Fn::Sub")));
        assertTrue(grants("RecordOutputFunction").containsKey("events:PutEvents"));
        assertEquals(List.of("${RunsBucket.Arn}/exchange/*/out/*"), grants("ScheduleRunFunction").get("s3:GetObject"),
                "the schedule function may only look at outputs");
        assertFalse(grants("ScheduleRunFunction").containsKey("s3:ListBucket"));
    }

    /** Action to the resources it is allowed on, in a function's inline policy (GetAtt names its resource). */
    private static Map<String, List<String>> grants(String function) {
        Map<String, List<String>> grants = new TreeMap<>();
        for (JsonNode statement : properties(template, function).at("/Policies/0/Statement")) {
            for (String action : TemplateJson.texts(statement.path("Action"))) {
                grants.computeIfAbsent(action, a -> new ArrayList<>()).addAll(resourceNames(statement.path("Resource")));
            }
        }
        return grants;
    }

    private static List<String> resourceNames(JsonNode resource) {
        if (resource.has("Fn::GetAtt")) {
            return List.of(resource.path("Fn::GetAtt").get(0).asText());
        }
        return TemplateJson.texts(resource);
    }

    private static JsonNode statementWith(String function, String action) {
        for (JsonNode statement : properties(template, function).at("/Policies/0/Statement")) {
            if (TemplateJson.texts(statement.path("Action")).contains(action)) {
                return statement;
            }
        }
        return fail(function + " has no statement allowing " + action);
    }

    // ------------------------------------------------------------------ notifications

    @Test
    void notificationRulesMatchStopsAndLossesOfTheirOwnKind() throws Exception {
        Machine machine = Machine.builder().build();
        machine.addRule("stopped", properties(template, "RunStoppedNotificationRule").path("EventPattern").toString());
        machine.addRule("lost", properties(template, "RunLostNotificationRule").path("EventPattern").toString());
        ObjectNode stopped = (ObjectNode) readEvent("run-stopped.json");
        assertEquals(List.of("stopped"), machine.rulesForJSONEvent(stopped.toString()));
        assertEquals(List.of("lost"), machine.rulesForJSONEvent(readEvent("run-lost.json").toString()));
        ((ObjectNode) stopped.path("detail")).put("status", "LOST");
        assertTrue(machine.rulesForJSONEvent(stopped.toString()).isEmpty(), "a late stop was told as Run Lost already");
        assertTrue(machine.rulesForJSONEvent(readEvent("run-scheduled.json").toString()).isEmpty());
        for (String rule : List.of("RunStoppedNotificationRule", "RunLostNotificationRule")) {
            JsonNode properties = properties(template, rule);
            assertEquals(JSON.createObjectNode().put("Ref", "RunBus"), properties.path("EventBusName"), rule);
            assertEquals(JSON.createObjectNode().put("Ref", "RunNotificationsTopic"), properties.at("/Targets/0/Arn"), rule);
        }
    }

    /** Every variable of a message must be in every event its rule matches: a missing one is left out. */
    @Test
    void notificationMessagesNameOnlyFieldsTheirEventsAlwaysHave() throws Exception {
        assertEquals("\"lackey run 1 (seed) is FAILED after 10000 s\"",
                message("RunStoppedNotificationRule", readEvent("run-stopped.json")));
        assertEquals("\"lackey run 1 (seed) is LOST: no heartbeat for 120 s\"",
                message("RunLostNotificationRule", readEvent("run-lost.json")));
    }

    private static String message(String rule, JsonNode event) {
        JsonNode transformer = properties(template, rule).at("/Targets/0/InputTransformer");
        String message = transformer.path("InputTemplate").asText();
        for (Map.Entry<String, JsonNode> variable : transformer.path("InputPathsMap").properties()) {
            JsonNode value = event.at(variable.getValue().asText().substring(1).replace('.', '/'));
            assertFalse(value.isMissingNode(), rule + ": " + variable.getValue().asText() + " is not in the sample event");
            message = message.replace("<" + variable.getKey() + ">", value.isTextual() ? value.textValue() : value.toString());
        }
        return message;
    }

    @Test
    void onlyTheNotificationRulesAndTheStacksAlarmsMayPublishToTheEncryptedTopic() {
        JsonNode topic = properties(template, "RunNotificationsTopic");
        assertEquals(JSON.createObjectNode().put("Ref", "RunNotificationsKey"), topic.path("KmsMasterKeyId"),
                "a customer managed key: EventBridge cannot use the AWS managed alias/aws/sns");
        boolean eventBridgeMayUseKey = false;
        for (JsonNode statement : properties(template, "RunNotificationsKey").at("/KeyPolicy/Statement")) {
            eventBridgeMayUseKey |= "events.amazonaws.com".equals(statement.at("/Principal/Service").asText())
                    && TemplateJson.texts(statement.path("Action")).containsAll(List.of("kms:GenerateDataKey", "kms:Decrypt"));
        }
        assertTrue(eventBridgeMayUseKey, "the key policy must let EventBridge encrypt messages");

        JsonNode policy = properties(template, "RunNotificationsTopicPolicy");
        Map<String, JsonNode> byPrincipal = new TreeMap<>();
        for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
            assertEquals(List.of("sns:Publish"), TemplateJson.texts(statement.path("Action")), statement.toString());
            assertNull(byPrincipal.put(statement.at("/Principal/Service").asText(), statement), "one statement per service");
        }
        assertEquals(Set.of("events.amazonaws.com", "cloudwatch.amazonaws.com"), byPrincipal.keySet(),
                "EventBridge for the two rules, CloudWatch for the alarms (TemplateAlarmsTest checks that one)");
        assertEquals(JSON.createArrayNode().add(getAtt("RunStoppedNotificationRule", "Arn"))
                        .add(getAtt("RunLostNotificationRule", "Arn")),
                byPrincipal.get("events.amazonaws.com").at("/Condition/ArnEquals/aws:SourceArn"),
                "published only by the two rules, by their ARNs");
    }

    @Test
    void anEmailSubscriptionExistsOnlyWhenAnAddressIsGiven() {
        assertEquals("", template.at("/Parameters/NotificationEmail/Default").asText("missing"));
        JsonNode subscription = resource("RunNotificationsSubscription");
        assertEquals("HasNotificationEmail", subscription.path("Condition").asText());
        assertEquals("email", subscription.at("/Properties/Protocol").asText());
        assertEquals(JSON.createObjectNode().put("Ref", "NotificationEmail"), subscription.at("/Properties/Endpoint"));
        assertEquals("NotificationEmail", template.at("/Conditions/HasNotificationEmail/Fn::Not/0/Fn::Equals/0/Ref").asText());
    }

    // ------------------------------------------------------------------ the dispatch rule

    @Test
    void dispatchRuleMatchesOnlyDispatchedRunScheduledEvents() throws Exception {
        JsonNode rule = properties(template, "DispatchRunRule");
        assertEquals(JSON.createObjectNode().put("Ref", "RunBus"), rule.path("EventBusName"));
        Machine machine = Machine.builder().build();
        machine.addRule("dispatch", rule.path("EventPattern").toString());
        ObjectNode scheduled = (ObjectNode) readEvent("run-scheduled.json");
        assertEquals(List.of("dispatch"), machine.rulesForJSONEvent(scheduled.toString()));
        ((ObjectNode) scheduled.path("detail")).put("dispatch", false);
        assertTrue(machine.rulesForJSONEvent(scheduled.toString()).isEmpty(), "a tracked-only run must not start a task");
        scheduled.put("detail-type", "Run Started");
        assertTrue(machine.rulesForJSONEvent(scheduled.toString()).isEmpty(), "only Run Scheduled starts a task");
    }

    @Test
    void dispatchRuleStartsTheSimulationTaskOnFargate() {
        JsonNode targets = properties(template, "DispatchRunRule").path("Targets");
        assertEquals(1, targets.size(), "one target");
        JsonNode target = targets.get(0);
        assertEquals(getAtt("SimulationCluster", "Arn"), target.path("Arn"));
        assertEquals(getAtt("DispatchRole", "Arn"), target.path("RoleArn"));
        JsonNode ecs = target.path("EcsParameters");
        assertEquals(JSON.createObjectNode().put("Ref", "SimulationTaskDefinition"), ecs.path("TaskDefinitionArn"));
        assertEquals("FARGATE", ecs.path("LaunchType").asText());
        JsonNode vpc = ecs.at("/NetworkConfiguration/AwsVpcConfiguration");
        assertEquals(JSON.createObjectNode().put("Ref", "SubnetIds"), vpc.path("Subnets"));
        assertEquals(JSON.createObjectNode().put("Ref", "SecurityGroupIds"), vpc.path("SecurityGroups"));
        assertEquals(JSON.createObjectNode().put("Ref", "AssignPublicIp"), vpc.path("AssignPublicIp"));
        assertEquals("simulation", properties(template, "SimulationTaskDefinition").at("/ContainerDefinitions/0/Name").asText());
    }

    /**
     * Applies the rule's InputTransformer to the sample "Run Scheduled" event by EventBridge's rules (a quoted
     * placeholder takes the raw value, an unquoted one the value as JSON) and checks the ECS overrides it yields.
     */
    @Test
    void dispatchRuleTurnsTheEventIntoContainerOverrides() throws IOException {
        JsonNode transformer = properties(template, "DispatchRunRule").at("/Targets/0/InputTransformer");
        Map<String, String> paths = new TreeMap<>();
        transformer.path("InputPathsMap").properties().forEach(e -> paths.put(e.getKey(), e.getValue().asText()));
        assertEquals(Map.of("id", "$.detail.id", "token", "$.detail.token",
                "command", "$.detail.command", "params", "$.detail.paramsJson"), paths);

        String input = transformer.at("/InputTemplate/Fn::Sub").asText()
                .replace("${LackeyApi}", "a1b2c3d4e5")
                .replace("${AWS::Region}", "us-east-1")
                .replace("${AWS::URLSuffix}", "amazonaws.com")
                .replace("${RunsBucket}", "lackey-runs");
        assertFalse(input.contains("${"), "unresolved !Sub variable in " + input);
        JsonNode event = readEvent("run-scheduled.json");
        for (Map.Entry<String, String> variable : paths.entrySet()) {
            JsonNode value = event.at(variable.getValue().substring(1).replace('.', '/'));
            assertFalse(value.isMissingNode(), variable.getValue() + " is not in run-scheduled.json");
            String raw = value.isTextual() ? value.textValue() : value.toString();
            input = input.replace("\"<" + variable.getKey() + ">\"", "\"" + raw + "\"")
                    .replace("<" + variable.getKey() + ">", value.toString());
        }

        JsonNode container = JSON.readTree(input).at("/containerOverrides/0");
        assertEquals("simulation", container.path("name").asText());
        assertEquals(JSON.readTree("[\"sh\", \"-c\", \"echo hello\"]"), container.path("command"));
        Map<String, String> environment = new LinkedHashMap<>();
        container.path("environment").forEach(v -> environment.put(v.path("name").asText(), v.path("value").textValue()));
        assertEquals(Map.of(
                "LACKEY_API", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
                "LACKEY_RUN_ID", "1",
                "LACKEY_RUN_TOKEN", TOKEN,
                "LACKEY_PARAMS", event.at("/detail/paramsJson").textValue(),
                "LACKEY_EXCHANGE", "s3://lackey-runs/exchange/1/"), environment);
    }

    @Test
    void everyFunctionGetsTheContractEnvironment() {
        JsonNode variables = template.at("/Globals/Function/Environment/Variables");
        assertEquals(JSON.createObjectNode().put("Ref", "RunsTable"), variables.path("LACKEY_TABLE"));
        assertEquals(JSON.createObjectNode().put("Ref", "RunsBucket"), variables.path("LACKEY_BUCKET"));
        assertEquals(JSON.createObjectNode().put("Ref", "RunBus"), variables.path("LACKEY_BUS"));
        assertEquals(JSON.createObjectNode().put("Ref", "BusName"), properties(template, "RunBus").path("Name"));
    }

    @Test
    void recurringRunFiresOnlyWithASpec() {
        JsonNode schedule = properties(template, "RecurringRunFunction").at("/Events/RecurringRun");
        assertEquals("Schedule", schedule.path("Type").asText());
        assertEquals(JSON.createObjectNode().put("Ref", "RecurringSchedule"), schedule.at("/Properties/Schedule"));
        assertEquals("HasRecurringRun", schedule.at("/Properties/State/Fn::If/0").asText());
        assertEquals("HasRecurringRun", schedule.at("/Properties/Input/Fn::If/0").asText());
        assertEquals("", template.at("/Parameters/RecurringRunSpec/Default").asText("missing"));
    }

    // ------------------------------------------------------------------ (e) sample events

    @TestFactory
    Stream<DynamicTest> everySampleEventIsJson() throws IOException {
        List<Path> files = eventFiles();
        assertFalse(files.isEmpty(), "events/ holds no samples");
        String readme = Files.readString(ProjectFiles.events().resolve("README.md"));
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            assertTrue(JSON.readTree(file.toFile()).isObject(), file + " is not a JSON object");
            assertTrue(readme.contains("`" + file.getFileName() + "`"), "events/README.md does not describe " + file.getFileName());
        }));
    }

    @Test
    void httpApiSamplesMatchTemplateRoutes() throws IOException {
        Set<String> routes = routeAuthorizers().keySet();
        int samples = 0;
        for (Path file : eventFiles()) {
            JsonNode event = JSON.readTree(file.toFile());
            if (!"2.0".equals(event.path("version").asText())) {
                continue;
            }
            samples++;
            String name = file.getFileName().toString();
            String routeKey = event.path("routeKey").asText();
            assertTrue(routes.contains(routeKey), name + ": route " + routeKey + " is not in template.yaml " + routes);
            assertEquals(routeKey, event.at("/requestContext/routeKey").asText(), name);
            assertEquals("$default", event.at("/requestContext/stage").asText(), name);
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String path = routeKey.substring(routeKey.indexOf(' ') + 1);
            for (Map.Entry<String, JsonNode> parameter : event.path("pathParameters").properties()) {
                path = path.replace("{" + parameter.getKey() + "}", parameter.getValue().asText());
            }
            assertEquals(method, event.at("/requestContext/http/method").asText(), name);
            assertEquals(path, event.path("rawPath").asText(), name + ": rawPath against routeKey and pathParameters");
            assertEquals(path, event.at("/requestContext/http/path").asText(), name);
            event.path("headers").fieldNames().forEachRemaining(header ->
                    assertEquals(header.toLowerCase(), header, name + ": HTTP API gives header names in lower case"));
        }
        assertTrue(samples >= 5, "expected the five HTTP API samples, found " + samples);
    }

    @Test
    void formBodiesDecodeToTheSeedsStrings() throws IOException {
        Map<String, String> forms = Map.of(
                "schedule-run-form.json", "name=demo&command=echo%20hello",
                "start-run.json", "token=" + TOKEN + "&ts=1369312595",
                "stop-run.json", "token=" + TOKEN + "&ts=1369322595&log=asdf%20123");
        for (Map.Entry<String, String> form : forms.entrySet()) {
            JsonNode event = readEvent(form.getKey());
            assertTrue(event.path("isBase64Encoded").asBoolean(false), form.getKey() + ": form bodies arrive base64-encoded");
            assertEquals("application/x-www-form-urlencoded", event.at("/headers/content-type").asText(), form.getKey());
            assertEquals("application/json", event.at("/headers/accept").asText(), form.getKey());
            String body = new String(Base64.getDecoder().decode(event.path("body").asText()), StandardCharsets.UTF_8);
            assertEquals(form.getValue(), body, form.getKey());
            assertEquals(String.valueOf(body.length()), event.at("/headers/content-length").asText(), form.getKey());
        }
    }

    @Test
    void jsonBodyArrivesAsPlainText() throws IOException {
        JsonNode event = readEvent("schedule-run-json.json");
        assertFalse(event.path("isBase64Encoded").asBoolean(true), "HTTP API does not encode application/json");
        assertEquals("application/json", event.at("/headers/content-type").asText());
        JsonNode body = JSON.readTree(event.path("body").asText());
        assertEquals("demo", body.path("name").asText());
        assertTrue(body.path("params").isObject() && body.path("tags").isArray(), body.toString());
    }

    @Test
    void runScheduledSampleCarriesTheContractDetail() throws IOException {
        JsonNode event = readEvent("run-scheduled.json");
        assertEquals("lackey", event.path("source").asText());
        assertEquals("Run Scheduled", event.path("detail-type").asText());
        JsonNode detail = event.path("detail");
        assertTrue(detail.path("id").isNumber(), "id is a number");
        assertTrue(detail.path("dispatch").asBoolean(false), "dispatched");
        assertEquals(TOKEN, detail.path("token").asText());
        assertEquals(detail.path("params"), JSON.readTree(detail.path("paramsJson").asText()), "paramsJson is params as text");
        assertTrue(detail.path("tags").isArray());
    }

    @Test
    void recurringRunSampleIsARunSpec() throws IOException {
        JsonNode spec = readEvent("recurring-run.json");
        assertTrue(spec.path("name").isTextual(), "name");
        assertTrue(spec.path("command").isTextual(), "command");
        assertTrue(spec.path("params").isObject(), "params");
        assertTrue(spec.path("tags").isArray(), "tags");
        Set<String> fields = new TreeSet<>();
        spec.fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("name", "command", "params", "tags"), fields);
    }

    @Test
    void scheduledRuleSampleIsAScheduledEvent() throws IOException {
        JsonNode event = readEvent("scheduled-rule.json");
        assertEquals("Scheduled Event", event.path("detail-type").asText());
        assertEquals("aws.events", event.path("source").asText());
        assertTrue(event.path("resources").get(0).asText().startsWith("arn:aws:events:"), "rule ARN");
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode resource(String logicalId) {
        JsonNode resource = template.path("Resources").path(logicalId);
        assertFalse(resource.isMissingNode(), "template.yaml has no resource " + logicalId);
        return resource;
    }

    private static ObjectNode properties(JsonNode template, String logicalId) {
        JsonNode properties = template.path("Resources").path(logicalId).path("Properties");
        assertTrue(properties.isObject(), "template.yaml has no resource " + logicalId + " with Properties");
        return (ObjectNode) properties;
    }

    private static Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> resources = new TreeMap<>();
        template.path("Resources").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                resources.put(entry.getKey(), entry.getValue());
            }
        });
        return resources;
    }

    private static Map<String, String> handlersByFunction() {
        Map<String, String> handlers = new TreeMap<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode handler = function.at("/Properties/Handler");
            if (handler.isTextual()) {
                handlers.put(id, handler.textValue());
            }
        });
        return handlers;
    }

    /** Every HttpApi event of every function, named Function.Event. */
    private static Map<String, JsonNode> httpApiEvents() {
        Map<String, JsonNode> events = new TreeMap<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) ->
                function.at("/Properties/Events").properties().forEach(event -> {
                    if ("HttpApi".equals(event.getValue().path("Type").asText())) {
                        events.put(id + "." + event.getKey(), event.getValue());
                    }
                }));
        return events;
    }

    /** Route key ("METHOD /path") to the authorizer it really gets: its own, else the API's default, else NONE. */
    private static Map<String, String> routeAuthorizers() {
        String defaultAuthorizer = properties(template, "LackeyApi").at("/Auth/DefaultAuthorizer").asText("NONE");
        Map<String, String> routes = new TreeMap<>();
        httpApiEvents().forEach((name, event) -> {
            JsonNode properties = event.path("Properties");
            String route = properties.path("Method").asText().toUpperCase() + " " + properties.path("Path").asText();
            String previous = routes.put(route, properties.at("/Auth/Authorizer").asText(defaultAuthorizer));
            assertNull(previous, "route " + route + " is declared twice");
        });
        return routes;
    }

    private static JsonNode getAtt(String logicalId, String attribute) {
        ObjectNode getAtt = JSON.createObjectNode();
        getAtt.putArray("Fn::GetAtt").add(logicalId).add(attribute);
        return getAtt;
    }

    private static List<Path> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(ProjectFiles.events())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private static JsonNode readEvent(String fileName) throws IOException {
        return JSON.readTree(ProjectFiles.events().resolve(fileName).toFile());
    }

    private static String describe(Set<ValidationMessage> problems) {
        return problems.stream().map(ValidationMessage::toString).sorted().limit(40).collect(Collectors.joining("\n"));
    }
}
