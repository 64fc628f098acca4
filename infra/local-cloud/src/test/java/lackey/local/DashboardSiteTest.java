package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardSiteTest {

    private final DashboardSite site = new DashboardSite(
            new DashboardAssets(DashboardSiteTest.class.getClassLoader(), "lackey/dashboard-fixture/"));

    @Test
    void servesGetsAndHeadsOutsideTheApi() throws Exception {
        for (String method : List.of("GET", "HEAD")) {
            HttpApiEvents.Response page = site.endpoint(method, "/runs/42").orElseThrow().answer(null, "id");
            assertEquals(200, page.status());
            assertEquals(List.of("text/html; charset=utf-8"), page.headers().get("Content-Type"));
            assertEquals(List.of("no-cache"), page.headers().get("Cache-Control"));
        }
        assertEquals(404, site.endpoint("GET", "/nope").orElseThrow().answer(null, "id").status());
    }

    @Test
    void leavesTheApiAndOtherMethodsToTheOtherSites() {
        for (String path : List.of("/api", "/api/", "/api/runs", "/api/run/1/log")) {
            assertTrue(site.endpoint("GET", path).isEmpty(), path);
        }
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            assertTrue(site.endpoint(method, "/").isEmpty(), method);
        }
    }
}
