package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lackey.emulators.ProjectLayout;
import lackey.local.template.FunctionDefinition;
import lackey.local.template.HttpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The function hosts run test handlers as Lambda would: own JVMs, template environment, AWS's serialisation. */
class FunctionHostsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FunctionHosts hosts;

    @TempDir
    static Path home;

    private static FunctionDefinition function(String name, String handler, Map<String, String> env, int timeout) {
        String[] parts = handler.split("::");
        return new FunctionDefinition(name, name, parts[0], parts[1], env, timeout, 256, List.of(), List.of());
    }

    @BeforeAll
    static void startHosts() {
        Map<String, String> shared = Map.of("LACKEY_TABLE", "t1");
        hosts = FunctionHosts.start(List.of(
                        function("Echo", "lackey.local.handlers.EchoHandler::handleRequest", shared, 10),
                        function("HttpEcho", "lackey.local.handlers.HttpEchoHandler::handleRequest", shared, 10),
                        function("Failing", "lackey.local.handlers.FailingHandler::handleRequest", shared, 1),
                        function("OtherEcho", "lackey.local.handlers.EchoHandler::handleRequest", Map.of("LACKEY_TABLE", "t2"), 10)),
                Map.of("AWS_REGION", "eu-west-3"), TestClassPath.get(), home);
    }

    @AfterAll
    static void stopHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private static JsonNode invokeOk(String name, String event) throws Exception {
        FunctionHosts.Invocation invocation = hosts.invoke(name, event.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, invocation.status());
        assertTrue(invocation.functionError().isEmpty(), () -> new String(invocation.payload(), StandardCharsets.UTF_8));
        return JSON.readTree(invocation.payload());
    }

    @Test
    void mapHandlerSeesItsTemplateEnvironmentAndIsConstructedOnce() throws Exception {
        JsonNode first = invokeOk("Echo", "{\"a\":1}");
        JsonNode second = invokeOk("Echo", "{\"a\":2}");
        assertEquals("t1", first.path("table").asText());
        assertEquals("eu-west-3", first.path("region").asText());
        assertEquals("Echo", first.path("functionName").asText());
        assertEquals(2, second.path("input").path("a").asInt());
        assertEquals(first.path("instances"), second.path("instances"), "one handler instance per function");
        assertTrue(first.path("remainingMillis").asInt() > 5_000);
    }

    @Test
    void functionsWithAnotherEnvironmentRunInAnotherJvm() throws Exception {
        JsonNode echo = invokeOk("Echo", "{}");
        JsonNode other = invokeOk("OtherEcho", "{}");
        assertEquals("t2", other.path("table").asText());
        assertNotEquals(echo.path("pid"), other.path("pid"));
        assertEquals(2, hosts.processes().size());
    }

    @Test
    void httpEventIsReadWithAwsLambdaSerialisation() throws Exception {
        String event = Files.readString(ProjectLayout.find().root().resolve("events/start-run.json"));
        JsonNode response = invokeOk("HttpEcho", event);
        assertEquals(299, response.path("statusCode").asInt());
        String body = response.path("body").asText();
        assertTrue(body.startsWith("PUT /api/run/start/1 id=1 base64=true body=dG9rZW49"), body);
        assertTrue(body.endsWith("route=PUT /api/run/start/{id} accept=application/json"), body);
    }

    @Test
    void handlerExceptionBecomesLambdasErrorPayloadAndHeader() throws Exception {
        FunctionHosts.Invocation invocation = hosts.invoke("Failing", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, invocation.status(), "Lambda answers 200 and flags the error in a header");
        assertEquals("Unhandled", invocation.functionError().orElseThrow());
        JsonNode error = JSON.readTree(invocation.payload());
        assertEquals("boom", error.path("errorMessage").asText());
        assertEquals("java.lang.IllegalStateException", error.path("errorType").asText());
        assertTrue(error.path("stackTrace").isArray());
    }

    @Test
    void invocationPastTheTimeoutFailsAsLambdaDoes() throws Exception {
        FunctionHosts.Invocation invocation = hosts.invoke("Failing", "{\"sleepMillis\": 3000}".getBytes(StandardCharsets.UTF_8));
        assertTrue(invocation.functionError().isPresent());
        assertTrue(JSON.readTree(invocation.payload()).path("errorMessage").asText().endsWith("Task timed out after 1.00 seconds"));
    }

    @Test
    void apiGatewayHandsFunctionsPayloadEventsAndHidesTheirErrorsBehindA500() throws Exception {
        List<FunctionDefinition> definitions = List.of(
                function("HttpEcho", "lackey.local.handlers.HttpEchoHandler::handleRequest", Map.of(), 10),
                function("Failing", "lackey.local.handlers.FailingHandler::handleRequest", Map.of(), 1));
        List<HttpRoute> routes = List.of(new HttpRoute("PUT", "/api/run/start/{id}", "HttpEcho"),
                new HttpRoute("GET", "/fail", "Failing"));
        try (HttpFront api = HttpFront.bind(0, HttpFront.DEFAULT_READ_TIMEOUT, new PrintStream(PrintStream.nullOutputStream()))) {
            api.start(List.of(new ApiGateway(routes, definitions, hosts, "000000000000", "local")));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> echoed = http.send(HttpRequest.newBuilder(api.url().resolve("/api/run/start/7"))
                    .header("Accept", "application/json").header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString("token=t&ts=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(299, echoed.statusCode());
            assertEquals("text/plain", echoed.headers().firstValue("content-type").orElseThrow());
            String base64Body = java.util.Base64.getEncoder().encodeToString("token=t&ts=1".getBytes(StandardCharsets.UTF_8));
            assertEquals("PUT /api/run/start/7 id=7 base64=true body=" + base64Body
                    + " route=PUT /api/run/start/{id} accept=application/json", echoed.body());

            HttpResponse<String> failed = http.send(HttpRequest.newBuilder(api.url().resolve("/fail")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, failed.statusCode());
            assertEquals("internal", JSON.readTree(failed.body()).path("error").asText());
            assertFalse(failed.body().contains("boom"), "the function's error stays in its log");
        }
    }

    @Test
    void closingStopsTheHostJvms() {
        FunctionHosts own = FunctionHosts.start(List.of(function("Solo", "lackey.local.handlers.EchoHandler::handleRequest",
                Map.of(), 5)), Map.of(), TestClassPath.get(), home);
        List<ProcessHandle> processes = own.processes();
        assertTrue(processes.getFirst().isAlive());
        own.close();
        assertFalse(processes.getFirst().isAlive());
    }
}
