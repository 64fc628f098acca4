package lackey.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs AWS's own SAM transform (aws-sam-translator, through src/test/python/sam_transform.py) on template.yaml
 * as {@code sam build} and {@code sam deploy} hand it to CloudFormation, and checks what comes out: a Lambda
 * function per function with the packaged jar as its code, the HTTP API with every route and IAM authorization
 * on the operator routes, the permissions that let each route and rule invoke its function, and the roles.
 * An integration test because, like {@code sam deploy}, it reads the jar that {@code ./mvnw package} builds.
 */
class SamTransformIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

    private static JsonNode template;
    private static JsonNode transformed;

    /** Each test needs the tools; the template is transformed once, by the first test that runs. */
    @BeforeEach
    void transformTheTemplateOnce() throws IOException {
        transformed();
    }

    /** The transform of {@code file}, taken to be template.yaml in the project root (for its relative CodeUri). */
    static TemplateTools.Run transform(Path file) throws IOException {
        Path script = ProjectFiles.root().resolve("infra/local-cloud/src/test/python/sam_transform.py");
        return TemplateTools.run(List.of("python3", script.toString(), file.toString(),
                "--base-dir", ProjectFiles.root().toString()), Map.of("AWS_DEFAULT_REGION", "us-east-1"));
    }

    /** The transformed template, for other template checks; skips (or fails) as this class does without the tools. */
    static synchronized JsonNode transformed() throws IOException {
        TemplateTools.assumeSamTranslator();
        if (transformed == null) {
            template = CloudFormationYaml.read(ProjectFiles.template());
            TemplateTools.Run run = transform(ProjectFiles.template());
            assertEquals(0, run.exitCode(), () -> "the SAM transform refused template.yaml:\n" + run);
            transformed = JSON.readTree(run.stdout());
        }
        return transformed;
    }

    @Test
    void everyFunctionBecomesACustomRuntimeFunctionWhoseCodeIsItsOwnPackage() {
        Map<String, JsonNode> functions = serverlessFunctions();
        assertEquals(18, functions.size(), "functions in template.yaml: " + functions.keySet());
        functions.forEach((id, function) -> {
            JsonNode lambda = transformed.path("Resources").path(id);
            assertEquals("AWS::Lambda::Function", lambda.path("Type").asText(), id);
            JsonNode properties = lambda.path("Properties");
            assertEquals("provided.al2023", properties.path("Runtime").asText(), id);
            assertEquals("[\"x86_64\"]", properties.path("Architectures").toString(), id + ": the architecture the packages are trained on");
            assertEquals(function.at("/Properties/Handler"), properties.path("Handler"), id);
            assertEquals("lackey-sam-artifacts", properties.at("/Code/S3Bucket").asText(), id + ": code uploaded by sam deploy");
            assertTrue(properties.at("/Code/S3Key").asText().matches("[0-9a-f]{32}"), id + ": keyed by the zip's MD5");
            assertEquals(getAtt(id + "Role", "Arn"), properties.path("Role"), id);
        });
    }

    @Test
    void httpApiServesEveryRouteOfTheTemplateWithIamOnOperatorRoutesOnly() {
        JsonNode api = transformed.path("Resources").path("LackeyApi");
        assertEquals("AWS::ApiGatewayV2::Api", api.path("Type").asText());
        JsonNode body = api.at("/Properties/Body");
        assertEquals("awsSigv4", body.at("/components/securitySchemes/AWS_IAM/x-amazon-apigateway-authtype").asText(),
                "operator routes are signed with SigV4");

        Map<String, String> expected = new TreeMap<>();
        Map<String, String> functionOfRoute = new TreeMap<>();
        serverlessFunctions().forEach((id, function) -> function.at("/Properties/Events").properties().forEach(event -> {
            JsonNode properties = event.getValue().path("Properties");
            if ("HttpApi".equals(event.getValue().path("Type").asText())) {
                String route = properties.path("Method").asText().toUpperCase() + " " + properties.path("Path").asText();
                expected.put(route, properties.at("/Auth/Authorizer").asText("AWS_IAM"));
                functionOfRoute.put(route, id);
            }
        }));
        Map<String, String> served = new TreeMap<>();
        body.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            String route = method.getKey().toUpperCase() + " " + path.getKey();
            JsonNode security = method.getValue().path("security");
            served.put(route, security.size() == 1 ? security.get(0).fieldNames().next() : security.toString());
            String uri = method.getValue().at("/x-amazon-apigateway-integration/uri/Fn::Sub").asText();
            assertTrue(uri.contains("${" + functionOfRoute.get(route) + ".Arn}"), route + " integrates " + uri);
            assertEquals("2.0", method.getValue().at("/x-amazon-apigateway-integration/payloadFormatVersion").asText(), route);
        }));
        assertEquals(expected, served, "routes and their authorization after the transform");
        assertEquals(5, served.values().stream().filter("NONE"::equals).count(), "the five simulation routes: " + served);
    }

    @Test
    void everyRouteAndRuleMayInvokeItsFunctionAndNothingElse() {
        serverlessFunctions().forEach((id, function) -> function.at("/Properties/Events").properties().forEach(event -> {
            String type = event.getValue().path("Type").asText();
            JsonNode permission = transformed.path("Resources").path(id + event.getKey() + "Permission");
            assertEquals("AWS::Lambda::Permission", permission.path("Type").asText(), id + "." + event.getKey());
            assertEquals(JSON.createObjectNode().put("Ref", id), permission.at("/Properties/FunctionName"));
            assertEquals("lambda:InvokeFunction", permission.at("/Properties/Action").asText());
            if ("HttpApi".equals(type)) {
                JsonNode properties = event.getValue().path("Properties");
                assertEquals("apigateway.amazonaws.com", permission.at("/Properties/Principal").asText());
                String path = properties.path("Path").asText().replaceAll("\\{[^}]+}", "*");
                assertTrue(permission.at("/Properties/SourceArn/Fn::Sub/0").asText()
                        .endsWith("/" + properties.path("Method").asText().toUpperCase() + path), permission.toString());
            } else {
                String rule = id + event.getKey();
                assertEquals("AWS::Events::Rule", transformed.at("/Resources/" + rule + "/Type").asText(), rule);
                assertEquals(getAtt(id, "Arn"), transformed.at("/Resources/" + rule + "/Properties/Targets/0/Arn"), rule);
                assertEquals("events.amazonaws.com", permission.at("/Properties/Principal").asText());
                assertEquals(getAtt(rule, "Arn"), permission.at("/Properties/SourceArn"), "only its own rule may invoke it");
            }
        }));
    }

    /** What CloudFormation gets: every target of every rule, SAM's included, retries and then dead-letters. */
    @Test
    void everyRuleTargetCloudFormationGetsHasARetryPolicyAndADeadLetterQueue() {
        Map<String, JsonNode> rules = TemplateJson.resourcesOfType(transformed, "AWS::Events::Rule");
        assertTrue(rules.keySet().containsAll(Set.of("DispatchRunRule", "SweepRunsFunctionEveryMinute",
                "RecordLaunchFailureFunctionTaskFailedToStart")), rules.keySet().toString());
        rules.forEach((id, rule) -> rule.at("/Properties/Targets").forEach(target -> {
            assertTrue(target.at("/RetryPolicy/MaximumRetryAttempts").isInt()
                    && target.at("/RetryPolicy/MaximumEventAgeInSeconds").isInt(), id + ": " + target);
            String queue = target.at("/DeadLetterConfig/Arn/Fn::GetAtt/0").asText();
            assertEquals("AWS::SQS::Queue", transformed.at("/Resources/" + queue + "/Type").asText(), id + ": " + target);
        }));
        JsonNode mapping = transformed.at("/Resources/RecordLaunchFailureDeadLetters");
        assertEquals("AWS::Lambda::EventSourceMapping", mapping.path("Type").asText());
        assertEquals(JSON.createObjectNode().put("Ref", "RecordLaunchFailureFunction"), mapping.at("/Properties/FunctionName"));
    }

    @Test
    void functionRolesGrantBasicExecutionAndTheFunctionsOwnStatementsOnly() {
        serverlessFunctions().forEach((id, function) -> {
            JsonNode role = transformed.path("Resources").path(id + "Role");
            assertEquals("AWS::IAM::Role", role.path("Type").asText(), id);
            assertEquals("lambda.amazonaws.com", role.at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service/0")
                    .asText(), id);
            assertEquals(JSON.createArrayNode().add(BASIC_EXECUTION), role.at("/Properties/ManagedPolicyArns"),
                    id + ": writing its logs is the one managed policy");
            JsonNode policies = role.at("/Properties/Policies");
            assertEquals(1, policies.size(), id);
            assertEquals(function.at("/Properties/Policies/0/Statement"), policies.at("/0/PolicyDocument/Statement"),
                    id + ": exactly the statements template.yaml gives it");
        });
    }

    @Test
    void theStageThrottlesEveryRouteAndTheUnauthenticatedOnesTighter() {
        JsonNode stage = transformed.at("/Resources/LackeyApiApiGatewayDefaultStage/Properties");
        assertEquals("$default", stage.path("StageName").asText());
        assertEquals(TemplateJson.ref("ApiRateLimit"), stage.at("/DefaultRouteSettings/ThrottlingRateLimit"));
        assertEquals(TemplateJson.ref("ApiBurstLimit"), stage.at("/DefaultRouteSettings/ThrottlingBurstLimit"));
        Map<String, JsonNode> routeSettings = new TreeMap<>();
        stage.path("RouteSettings").properties().forEach(entry -> routeSettings.put(entry.getKey(), entry.getValue()));
        assertEquals(Set.of("PUT /api/run/start/{id}", "PUT /api/run/stop/{id}", "PUT /api/run/heartbeat/{id}",
                "POST /api/run/log-upload/{id}", "POST /api/run/output-upload/{id}"), routeSettings.keySet(),
                "route keys as API Gateway knows them");
        routeSettings.forEach((route, settings) -> assertEquals("SimulationRouteRateLimit",
                settings.at("/ThrottlingRateLimit/Ref").asText(), route));
    }

    @Test
    void functionsKeepTheirReservedConcurrencyAndJsonLogs() {
        Map<String, String> capped = new TreeMap<>();
        serverlessFunctions().keySet().forEach(id -> {
            JsonNode properties = transformed.at("/Resources/" + id + "/Properties");
            assertEquals("JSON", properties.at("/LoggingConfig/LogFormat").asText(), id);
            JsonNode reserved = properties.at("/ReservedConcurrentExecutions/Fn::If/1/Ref");
            if (!reserved.isMissingNode()) {
                capped.put(id, reserved.asText());
            }
        });
        assertEquals(Map.of("StartRunFunction", "SimulationFunctionConcurrency", "StopRunFunction", "SimulationFunctionConcurrency",
                "HeartbeatRunFunction", "SimulationFunctionConcurrency", "LogUploadFunction", "SimulationFunctionConcurrency",
                "OutputUploadFunction", "SimulationFunctionConcurrency", "RecordOutputFunction", "RecordOutputConcurrency"), capped);
    }

    /**
     * What CloudFormation gets has no wildcard either, SAM's roles included; the AWS managed policies the stack
     * attaches are allow-listed with their reason (AWS writes them, with Resource "*" where their actions need it).
     */
    @Test
    void noPolicyCloudFormationGetsAllowsAWildcardExceptWhereAwsRequiresIt() {
        List<String> problems = TemplateSecurityTest.wildcardProblems(transformed, TemplateSecurityTest.WILDCARDS_AWS_REQUIRES);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        Map<String, String> awsManaged = Map.of(
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "a function writes its own log group (logs:CreateLogGroup, CreateLogStream, PutLogEvents)",
                "service-role/AmazonECSTaskExecutionRolePolicy",
                "ECS pulls the simulation image (ecr:GetAuthorizationToken takes no resource) and writes its log");
        TemplateJson.resourcesOfType(transformed, "AWS::IAM::Role").forEach((id, role) -> role.at("/Properties/ManagedPolicyArns")
                .forEach(arn -> assertTrue(awsManaged.keySet().stream().anyMatch(allowed ->
                        TemplateJson.texts(arn).stream().anyMatch(text -> text.endsWith(allowed))), id + " attaches " + arn)));
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                Arguments.of("a route names an authorizer the API does not define", "              Authorizer: NONE",
                        "              Authorizer: SimulationToken", 1, "SimulationToken"),
                Arguments.of("an HttpApi event on an API that is not in the template", "ApiId: !Ref LackeyApi",
                        "ApiId: !Ref RunsApi", 1, "ApiId"),
                Arguments.of("an event type SAM does not know", "Type: HttpApi", "Type: HttpAPI", 1, "HttpAPI"),
                Arguments.of("code in a folder without SkipBuild, which sam build would try to build from sources",
                        "    Metadata:\n      SkipBuild: true\n    Properties:\n      CodeUri: infra/lambda-packages/target/ScheduleRunFunction.zip",
                        "    Properties:\n      CodeUri: infra/lambda-packages/target/lambda", 3, "SkipBuild"));
    }

    /** Shows the transform check has teeth: each mistake is reported, and for the right reason. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void reportsWhatIsWrongWithABrokenTemplate(String mistake, String find, String replacement, int exitCode, String culprit,
                                               @TempDir Path folder) throws IOException {
        TemplateTools.Run run = transform(TemplateTools.brokenCopy(folder, find, replacement));
        assertEquals(exitCode, run.exitCode(), () -> mistake + ": " + run);
        assertTrue(run.stderr().contains(culprit), () -> mistake + ": no message about " + culprit + ":\n" + run);
    }

    @Test
    void aCodeUriOnlyInGlobalsWouldBeLostBySamBuild(@TempDir Path folder) throws IOException {
        Path copy = TemplateTools.brokenCopy(folder, "    Architectures: [x86_64]\n",
                "    Architectures: [x86_64]\n    CodeUri: infra/lambda-packages/target/ScheduleRunFunction.zip\n");
        String text = Files.readString(copy).replaceAll("      CodeUri: infra/lambda-packages/target/\\w+\\.zip\n", "");
        Files.writeString(copy, text);
        assertFalse(text.contains("      CodeUri:"), "no function keeps its own CodeUri");
        TemplateTools.Run run = transform(copy);
        assertEquals(3, run.exitCode(), run::toString);
        assertTrue(run.stderr().contains(".aws-sam/build/infra/lambda-packages/target/ScheduleRunFunction.zip")
                && run.stderr().contains("Globals"), run::toString);
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, JsonNode> serverlessFunctions() {
        Map<String, JsonNode> functions = new TreeMap<>();
        template.path("Resources").properties().forEach(entry -> {
            if ("AWS::Serverless::Function".equals(entry.getValue().path("Type").asText())) {
                functions.put(entry.getKey(), entry.getValue());
            }
        });
        return functions;
    }

    private static JsonNode getAtt(String logicalId, String attribute) {
        var getAtt = JSON.createObjectNode();
        getAtt.putArray("Fn::GetAtt").add(logicalId).add(attribute);
        return getAtt;
    }
}
