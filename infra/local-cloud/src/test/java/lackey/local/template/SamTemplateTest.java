package lackey.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import lackey.emulators.S3ProxyServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local cloud's reading of template.yaml: what it runs, and how intrinsic functions resolve locally. */
class SamTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalNames LOCAL = LocalNames.local("http://127.0.0.1:8000");

    private static SamTemplate project() {
        return SamTemplate.read(ProjectFiles.template(), LOCAL);
    }

    @Test
    void functionsGetTheGlobalEnvironmentResolvedToLocalNames() {
        SamTemplate template = project();
        assertFalse(template.functions().isEmpty());
        for (FunctionDefinition function : template.functions()) {
            assertEquals("lackey-runs", function.environment().get("LACKEY_TABLE"), function.logicalId());
            assertEquals("lackey-runs", function.environment().get("LACKEY_BUCKET"), function.logicalId());
            assertEquals("lackey", function.environment().get("LACKEY_BUS"), function.logicalId());
            assertTrue(function.handlerClass().startsWith("lackey.api."), function.handler());
            assertTrue(function.timeoutSeconds() > 3, "Globals Timeout applies to " + function.logicalId());
        }
    }

    @Test
    void routesAreTheSeedsCalls() {
        List<String> routes = project().routes().stream().map(HttpRoute::routeKey).toList();
        assertTrue(routes.containsAll(List.of("POST /api/run", "PUT /api/run/start/{id}", "PUT /api/run/stop/{id}",
                "GET /api/run/{id}")), routes.toString());
    }

    @Test
    void routesTakeTheirOwnAuthorizerElseTheApisDefault() {
        java.util.Map<String, String> authorizers = new java.util.TreeMap<>();
        project().routes().forEach(route -> authorizers.put(route.routeKey(), route.authorizer()));
        assertEquals("NONE", authorizers.get("PUT /api/run/start/{id}"), "the simulation's call carries its token");
        assertEquals("NONE", authorizers.get("POST /api/run/output-upload/{id}"));
        assertEquals("AWS_IAM", authorizers.get("GET /api/runs"), "the API's DefaultAuthorizer");
        assertEquals("AWS_IAM", authorizers.get("POST /api/run/{id}/inputs"));
        assertTrue(project().routes().stream().filter(HttpRoute::needsIam).count() >= 8, authorizers.toString());
    }

    @Test
    void tableBucketAndBusGetLocalNames() {
        SamTemplate template = project();
        TableDefinition table = template.tables().stream().filter(t -> t.logicalId().equals("RunsTable")).findFirst().orElseThrow();
        assertEquals("lackey-runs", table.tableName());
        assertEquals("id", table.properties().path("KeySchema").path(0).path("AttributeName").asText());
        // the dashboard reads logs from the bucket's presigned URLs in the browser: GETs from any origin
        assertEquals(List.of(new BucketDefinition("RunsBucket", "lackey-runs", true,
                List.of(new S3ProxyServer.CorsRule(List.of("*"), List.of("GET", "HEAD"), List.of("range"))))),
                template.buckets());
        assertEquals(List.of(new BusDefinition("RunBus", "lackey")), template.buses());
    }

    @Test
    void dispatchRuleListensOnTheRunBusAndRunsTheSimulationContainer() throws Exception {
        RuleDefinition rule = project().rules().stream().filter(r -> r.logicalId().equals("DispatchRunRule"))
                .findFirst().orElseThrow();
        assertEquals("lackey", rule.busName());
        assertTrue(rule.enabled());
        JsonNode pattern = JSON.readTree(rule.eventPattern().orElseThrow());
        assertEquals("Run Scheduled", pattern.path("detail-type").path(0).asText());
        RuleTarget target = rule.targets().getFirst();
        EcsTaskTarget task = target.ecsTask().orElseThrow();
        assertTrue(task.container("simulation").isPresent(), "the task definition's container is found");
        InputTransformerDefinition transformer = target.inputTransformer().orElseThrow();
        assertEquals("$.detail.token", transformer.inputPathsMap().get("token"));
        assertFalse(transformer.inputTemplate().contains("${"), "Fn::Sub is resolved: " + transformer.inputTemplate());
        assertTrue(target.function().isEmpty());
    }

    @Test
    void deadLetterQueuesRetryPoliciesAndTheQueuesReaderAreRead() {
        SamTemplate template = project();
        assertEquals(List.of("lackey-dispatch-dead-letter", "lackey-event-targets-dead-letter"),
                template.queues().stream().map(QueueDefinition::name).sorted().toList());
        QueueDefinition dispatch = template.queues().stream().filter(q -> q.logicalId().equals("DispatchDeadLetterQueue"))
                .findFirst().orElseThrow();
        assertEquals("arn:aws:sqs:us-east-1:000000000000:lackey-dispatch-dead-letter", dispatch.arn());
        assertEquals(java.time.Duration.ofSeconds(120), dispatch.visibilityTimeout());
        assertEquals(List.of(new QueueSubscription(dispatch.arn(), "RecordLaunchFailureFunction", 10, true)),
                template.queueSubscriptions());

        RuleTarget ecs = template.rules().stream().filter(r -> r.logicalId().equals("DispatchRunRule")).findFirst()
                .orElseThrow().targets().getFirst();
        assertEquals(new RetryPolicy(185, java.time.Duration.ofHours(1)), ecs.retryPolicy());
        assertEquals(java.util.Optional.of(dispatch.arn()), ecs.deadLetterArn());
        RuleTarget sweeper = template.rules().stream().filter(r -> r.logicalId().equals("SweepRunsFunctionEveryMinute"))
                .findFirst().orElseThrow().targets().getFirst();
        assertEquals(new RetryPolicy(2, java.time.Duration.ofSeconds(60)), sweeper.retryPolicy(), "a SAM event's policy");
        assertEquals(java.util.Optional.of("arn:aws:sqs:us-east-1:000000000000:lackey-event-targets-dead-letter"),
                sweeper.deadLetterArn());
    }

    @Test
    void recurringRunIsDisabledUntilASpecIsGiven() {
        RuleDefinition off = project().rules().stream().filter(r -> r.logicalId().equals("RecurringRunFunctionRecurringRun"))
                .findFirst().orElseThrow();
        assertFalse(off.enabled());
        assertTrue(off.targets().getFirst().input().isEmpty(), "AWS::NoValue drops Input");

        String spec = "{\"name\":\"nightly\",\"command\":\"echo hi\"}";
        LocalNames withSpec = new LocalNames("lackey", "us-east-1", "000000000000", "http://127.0.0.1:8000",
                Map.of("RecurringRunSpec", spec));
        RuleDefinition on = SamTemplate.read(ProjectFiles.template(), withSpec).rules().stream()
                .filter(r -> r.logicalId().equals("RecurringRunFunctionRecurringRun")).findFirst().orElseThrow();
        assertTrue(on.enabled());
        assertEquals(spec, on.targets().getFirst().input().orElseThrow());
        assertEquals("RecurringRunFunction", on.targets().getFirst().function().orElseThrow());
        assertTrue(on.scheduleExpression().orElseThrow().startsWith("rate("));
    }

    // ---- intrinsic functions on small templates ----

    private static JsonNode resolve(String templateJson, String valueJson) throws Exception {
        return new Intrinsics(JSON.readTree(templateJson), LOCAL).resolve(JSON.readTree(valueJson));
    }

    private static final String SMALL = """
            {"Parameters": {"Stage": {"Type": "String", "Default": "dev"},
                            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "a,b"},
                            "Empty": {"Type": "String", "Default": ""}},
             "Conditions": {"IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
                            "HasEmpty": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Empty"}, ""]}]}},
             "Resources": {"OrdersTable": {"Type": "AWS::DynamoDB::Table"},
                           "Named": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "x-${Stage}"}}},
                           "Fn1": {"Type": "AWS::Serverless::Function"}}}
            """;

    @Test
    void subResolvesRefsAttributesPseudoParametersAndLiterals() throws Exception {
        assertEquals("dev/lackey-orders/us-east-1/000000000000/${Literal}/arn:aws:dynamodb:us-east-1:000000000000:table/lackey-orders",
                resolve(SMALL, "{\"Fn::Sub\": \"${Stage}/${OrdersTable}/${AWS::Region}/${AWS::AccountId}/${!Literal}/${OrdersTable.Arn}\"}").asText());
        assertEquals("v=1", resolve(SMALL, "{\"Fn::Sub\": [\"v=${v}\", {\"v\": \"1\"}]}").asText());
        assertEquals("x-dev", resolve(SMALL, "{\"Ref\": \"Named\"}").asText());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:Fn1", resolve(SMALL, "{\"Fn::GetAtt\": [\"Fn1\", \"Arn\"]}").asText());
    }

    @Test
    void listsJoinSelectSplitAndConditionsResolve() throws Exception {
        assertEquals(JSON.readTree("[\"a\",\"b\"]"), resolve(SMALL, "{\"Ref\": \"Subnets\"}"));
        assertEquals("a|b", resolve(SMALL, "{\"Fn::Join\": [\"|\", {\"Ref\": \"Subnets\"}]}").asText());
        assertEquals("b", resolve(SMALL, "{\"Fn::Select\": [1, {\"Fn::Split\": [\",\", \"a,b,c\"]}]}").asText());
        assertEquals("yes", resolve(SMALL, "{\"Fn::If\": [\"IsDev\", \"yes\", \"no\"]}").asText());
        assertEquals(JSON.readTree("{\"Keep\": 1}"),
                resolve(SMALL, "{\"Keep\": 1, \"Drop\": {\"Fn::If\": [\"HasEmpty\", 2, {\"Ref\": \"AWS::NoValue\"}]}}"));
    }

    @Test
    void globalsMergeMapsAndLetTheFunctionWin() throws Exception {
        JsonNode merged = SamTemplate.merged(
                JSON.readTree("{\"Timeout\": 20, \"Environment\": {\"Variables\": {\"A\": \"1\", \"B\": \"2\"}}}"),
                JSON.readTree("{\"Timeout\": 5, \"Environment\": {\"Variables\": {\"B\": \"3\"}}}"));
        assertEquals(JSON.readTree("{\"Timeout\": 5, \"Environment\": {\"Variables\": {\"A\": \"1\", \"B\": \"3\"}}}"), merged);
    }
}
