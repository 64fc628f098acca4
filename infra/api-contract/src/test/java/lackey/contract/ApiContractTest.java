package lackey.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract checker against the repository's openapi.yaml: what it lets through and what it stops. */
class ApiContractTest {

    private static final ApiContract CONTRACT = ApiContract.ofRepository();
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json; charset=utf-8"));
    private static final String SCHEDULED = """
            {"id":7,"name":"seed","status":"SCHEDULED","dispatch":false,"wrap":false,"params":{"lr":0.01},"tags":["a"],
             "scheduledAt":"2026-11-27T18:00:00.120Z","timeouts":{"startTimeout":86400,"maxDuration":86400},
             "deadline":{"at":"2026-11-28T18:00:00.000Z","kind":"START"}}""";

    private static void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        CONTRACT.check(method, path, status, headers, body);
    }

    private static ContractViolation refused(String method, String path, int status, Map<String, List<String>> headers, String body) {
        return assertThrows(ContractViolation.class, () -> check(method, path, status, headers, body));
    }

    @Test
    void acceptsARunAsDocumentedAndCountsIt() {
        long before = ApiContract.checkedResponses();
        assertDoesNotThrow(() -> check("GET", "/api/run/7", 200, JSON, SCHEDULED));
        assertEquals(before + 1, ApiContract.checkedResponses());
    }

    @Test
    void refusesAnUndocumentedStatus() {
        assertTrue(refused("GET", "/api/run/7", 418, JSON, "{}").getMessage().contains("documents no status 418"));
    }

    @Test
    void refusesAFieldTheRunDoesNotHave() {
        String withColour = SCHEDULED.replace("\"id\":7,", "\"id\":7,\"colour\":\"blue\",");
        assertTrue(refused("GET", "/api/run/7", 200, JSON, withColour).getMessage().contains("colour"));
    }

    @Test
    void refusesARunWithoutAFieldItAlwaysHas() {
        String noTimeouts = SCHEDULED.replaceAll(",\"timeouts\":\\{[^}]*}", "");
        assertTrue(refused("GET", "/api/run/7", 200, JSON, noTimeouts).getMessage().contains("timeouts"));
    }

    @Test
    void refusesARunningRunThatDoesNotSayWhenItStarted() {
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("SCHEDULED", "RUNNING"));
        assertDoesNotThrow(() -> check("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("\"SCHEDULED\",", "\"RUNNING\","
                + "\"started\":1369312595,\"startedReceivedAt\":\"2026-11-27T18:00:01.412Z\",")));
    }

    @Test
    void refusesAnInstantOfAnotherShape() {
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("2026-11-27T18:00:00.120Z", "2026-11-27 18:00:00"));
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("2026-11-27T18:00:00.120Z", "2026-11-27T18:00:00Z"));
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("2026-11-27T18:00:00.120Z", "2026-11-27T18:00:00.120345Z"));
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED.replace("2026-11-27T18:00:00.120Z", "2026-11-27T18:00:00.120+01:00"));
    }

    @Test
    void refusesAnErrorCodeThatDoesNotFitItsStatus() {
        assertDoesNotThrow(() -> check("GET", "/api/run/7", 404, JSON, "{\"error\":\"run_not_found\",\"message\":\"there is no run 7\"}"));
        refused("GET", "/api/run/7", 404, JSON, "{\"error\":\"wrong_state\",\"message\":\"no\"}");
        refused("GET", "/api/run/7", 404, JSON, "{\"error\":\"run_not_found\"}");
    }

    @Test
    void refusesACreatedRunWithoutItsLocation() {
        String created = SCHEDULED.replace("\"id\":7,", "\"id\":7,\"token\":\"99ee72e2-764d-42a9-b3a1-5c38d1647f28\",");
        assertDoesNotThrow(() -> check("POST", "/api/run", 201,
                Map.of("content-type", List.of("application/json"), "location", List.of("/api/run/7")), created));
        assertTrue(refused("POST", "/api/run", 201, JSON, created).getMessage().contains("Location is missing"));
        refused("POST", "/api/run", 201, Map.of("content-type", List.of("application/json"), "location", List.of("/runs/7")), created);
    }

    @Test
    void refusesAnotherContentTypeOrABodyThatIsNotJson() {
        refused("GET", "/api/run/7", 200, Map.of("content-type", List.of("text/html")), SCHEDULED);
        refused("GET", "/api/run/7", 200, Map.of(), SCHEDULED);
        refused("GET", "/api/run/7", 200, JSON, SCHEDULED + " trailing");
        refused("GET", "/api/run/7", 200, JSON, "{\"id\":7,\"id\":8}");
    }

    @Test
    void refusesARouteOrMethodTheDescriptionDoesNotHave() {
        assertTrue(refused("GET", "/api/nothing/here", 404, JSON, "{}").getMessage().contains("describes no operation"));
        refused("DELETE", "/api/run/7", 200, JSON, SCHEDULED);
    }

    @Test
    void findsTheOperationOfAConcretePathWithAQueryString() {
        assertDoesNotThrow(() -> check("GET", "/api/runs?status=RUNNING&limit=2", 200, JSON, "{\"runs\":[]}"));
        assertDoesNotThrow(() -> check("PUT", "/api/run/start/7", 409, JSON, "{\"error\":\"wrong_state\",\"message\":\"run 7 is RUNNING\"}"));
    }

    @Test
    void checksStatusAndHeadersOnlyWhenTheBodyWasNotSeen() {
        Map<String, List<String>> redirect = Map.of("Location", List.of("http://127.0.0.1:9000/lackey-runs/logs/7/1-0a1b2c3d.log?X-Amz-Signature=ab"),
                "Cache-Control", List.of("no-store"), "Content-Type", List.of("application/json"));
        assertDoesNotThrow(() -> check("GET", "/api/run/7/log", 302, redirect, null));
        refused("GET", "/api/run/7/log", 302, Map.of("Location", redirect.get("Location")), null);
    }
}
