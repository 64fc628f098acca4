package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardAssetsTest {

    private final DashboardAssets assets = new DashboardAssets(DashboardAssetsTest.class.getClassLoader(), "lackey/dashboard-fixture/");

    @Test
    void servesIndexForTheRootAndForTheDashboardsOwnPages() {
        for (String page : List.of("/", "/runs", "/runs/", "/runs/42", "/sweeps/11", "/runs/does-not-exist")) {
            DashboardAssets.Asset asset = assets.get(page);
            assertEquals(200, asset.status(), page);
            assertEquals("text/html; charset=utf-8", asset.contentType(), page);
            assertEquals("no-cache", asset.cacheControl(), page + ": a new build must show at the next load");
            assertTrue(text(asset).contains("<title>fixture</title>"), page);
        }
    }

    @Test
    void servesHashedAssetsForAYearAndOtherFilesRevalidated() {
        DashboardAssets.Asset script = assets.get("/assets/app-3f2a9c.js");
        assertEquals(200, script.status());
        assertEquals("text/javascript; charset=utf-8", script.contentType());
        assertEquals("public, max-age=31536000, immutable", script.cacheControl());
        assertEquals("console.log(\"app\");\n", text(script));

        assertEquals("text/css; charset=utf-8", assets.get("/assets/app-3f2a9c.css").contentType());
        DashboardAssets.Asset icon = assets.get("/favicon.svg");
        assertEquals("image/svg+xml", icon.contentType());
        assertEquals("no-cache", icon.cacheControl());
        assertEquals("nosniff", icon.headers().get("X-Content-Type-Options"));
    }

    @Test
    void answersAJson404ForAnythingElse() {
        for (String path : List.of("/nope", "/assets/missing.js", "/runs/42/extra", "/sweeps/", "/favicon.ico")) {
            DashboardAssets.Asset asset = assets.get(path);
            assertEquals(404, asset.status(), path);
            assertEquals("application/json", asset.contentType(), path);
            assertTrue(text(asset).startsWith("{\"error\":\"not_found\",\"message\":\"No page or file at "), text(asset));
        }
    }

    @Test
    void neverLeavesItsFolderOfTheClassPath() {
        // the fixture folder's parent holds fixture-secret.txt; no spelling of a path may reach it
        for (String path : List.of("/../fixture-secret.txt", "/%2e%2e/fixture-secret.txt", "/assets/..%2f..%2ffixture-secret.txt",
                "/assets/%2E%2E/%2E%2E/fixture-secret.txt", "/..\\fixture-secret.txt", "/.%2e/fixture-secret.txt",
                "//fixture-secret.txt", "/./index.html", "/assets/.hidden", "/%ZZ", "/assets%00/app-3f2a9c.js",
                "/lackey/local/DashboardAssets.class", "/../../lackey/local/DashboardAssets.class")) {
            DashboardAssets.Asset asset = assets.get(path);
            assertEquals(404, asset.status(), path);
            assertTrue(!text(asset).contains("not for the browser"), path);
        }
    }

    @Test
    void escapesWhatThePathBringsIntoTheMessage() {
        DashboardAssets.Asset asset = assets.get("/a%22b");
        assertEquals(404, asset.status());
        assertTrue(text(asset).contains("/a\\\"b"), text(asset));
    }

    @Test
    void saysSoWhenTheDashboardIsNotBuilt() {
        DashboardAssets none = new DashboardAssets(DashboardAssetsTest.class.getClassLoader(), "lackey/no-such-dashboard/");
        assertTrue(!none.available());
        DashboardAssets.Asset asset = none.get("/");
        assertEquals(404, asset.status());
        assertTrue(text(asset).contains("not built"), text(asset));
    }

    @Test
    void theBuiltDashboardIsOnTheLocalCloudsClassPath() {
        DashboardAssets built = new DashboardAssets();
        assertTrue(built.available(), "clients/dashboard's jar (lackey/dashboard/index.html) is a runtime dependency");
        String index = text(built.get("/"));
        assertTrue(index.contains("<title>lackey dashboard</title>"), index);
        // every file index.html names is served, with its type
        var names = java.util.regex.Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(index).results()
                .map(m -> m.group(1)).toList();
        assertTrue(names.size() >= 2, "a script and a stylesheet: " + names);
        for (String name : names) {
            assertEquals(200, built.get(name).status(), name);
        }
    }

    private static String text(DashboardAssets.Asset asset) {
        return new String(asset.body(), StandardCharsets.UTF_8);
    }
}
