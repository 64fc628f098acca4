package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lackey.local.template.HttpRoute;
import org.junit.jupiter.api.Test;

class HttpApiRoutesTest {

    private static final HttpApiRoutes SEED = new HttpApiRoutes(List.of(
            new HttpRoute("POST", "/api/run", "ScheduleRunFunction"),
            new HttpRoute("PUT", "/api/run/start/{id}", "StartRunFunction"),
            new HttpRoute("PUT", "/api/run/stop/{id}", "StopRunFunction"),
            new HttpRoute("GET", "/api/run/{id}", "GetRunFunction")));

    private static String function(HttpApiRoutes routes, String method, String path) {
        return routes.match(method, path).map(m -> m.route().function()).orElse("none");
    }

    @Test
    void matchesTheSeedRoutesAndBindsTheId() {
        HttpApiRoutes.Match match = SEED.match("PUT", "/api/run/start/12").orElseThrow();
        assertEquals("StartRunFunction", match.route().function());
        assertEquals(Map.of("id", "12"), match.pathParameters());
        assertEquals("StopRunFunction", function(SEED, "PUT", "/api/run/stop/1"));
        assertEquals("GetRunFunction", function(SEED, "GET", "/api/run/1"));
        assertEquals("ScheduleRunFunction", function(SEED, "POST", "/api/run"));
    }

    @Test
    void methodMustMatch() {
        assertEquals("none", function(SEED, "GET", "/api/run/start/1"));
        assertEquals("none", function(SEED, "DELETE", "/api/run/1"));
    }

    @Test
    void segmentCountMustMatchAndAParameterIsNeverEmpty() {
        assertEquals("none", function(SEED, "GET", "/api/run/1/extra"));
        assertEquals("none", function(SEED, "GET", "/api/run/"));
        assertEquals("none", function(SEED, "POST", "/api/run/"));
        assertEquals("none", function(SEED, "GET", "/nope"));
    }

    @Test
    void literalSegmentBeatsAParameter() {
        HttpApiRoutes routes = new HttpApiRoutes(List.of(
                new HttpRoute("GET", "/api/run/{id}", "Get"), new HttpRoute("GET", "/api/run/latest", "Latest")));
        assertEquals("Latest", function(routes, "GET", "/api/run/latest"));
        assertEquals("Get", function(routes, "GET", "/api/run/7"));
    }

    @Test
    void namedMethodBeatsAnyAndGreedyComesLast() {
        HttpApiRoutes routes = new HttpApiRoutes(List.of(
                new HttpRoute("ANY", "/files/{path+}", "Greedy"), new HttpRoute("ANY", "/files/{name}", "Any"),
                new HttpRoute("GET", "/files/{name}", "Get"), new HttpRoute("ANY", "$default", "Default")));
        assertEquals("Get", function(routes, "GET", "/files/a"));
        assertEquals("Any", function(routes, "PUT", "/files/a"));
        HttpApiRoutes.Match greedy = routes.match("GET", "/files/a/b%20c").orElseThrow();
        assertEquals("Greedy", greedy.route().function());
        assertEquals(Map.of("path", "a/b c"), greedy.pathParameters());
        assertEquals("Default", function(routes, "GET", "/elsewhere"));
    }

    @Test
    void pathParametersArePercentDecoded() {
        assertEquals(Map.of("id", "a b+c"), SEED.match("GET", "/api/run/a%20b+c").orElseThrow().pathParameters());
        assertTrue(SEED.match("GET", "/API/run/1").isEmpty(), "paths are case-sensitive");
    }
}
