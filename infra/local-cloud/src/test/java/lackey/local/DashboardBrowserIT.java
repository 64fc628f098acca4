package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (headless Chromium) against a local cloud: the runs table and its filters,
 * paging through the cursor, a run's page following a live run, exchange files, cancelling, a sweep's counts
 * and chart, and the API's errors. The scene is set through the API, as a simulation or an operator would;
 * every assertion is on what the page shows.
 */
class DashboardBrowserIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ApiCalls api = new ApiCalls(LOCAL);

    /** The page never logs a script error or a blocked request (CSP), whatever a test did. */
    @AfterEach
    void thePageLoggedNoScriptErrors() {
        List<String> errors = BROWSER.consoleErrors().stream()
                // the answers the API gives as errors (a 404 the test asked for) are logged by the browser too
                .filter(message -> !message.contains("Failed to load resource"))
                .toList();
        assertEquals(List.of(), errors);
    }

    private static WebDriver open(String path) {
        WebDriver driver = BROWSER.driver();
        driver.get(LOCAL.cloud().apiUrl() + path);
        return driver;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The ids of the runs table's rows, top to bottom. */
    private static List<Long> rowIds(WebDriver driver) {
        return driver.findElements(By.cssSelector("#runs tbody tr[data-id]")).stream()
                .map(row -> Long.parseLong(row.getAttribute("data-id"))).toList();
    }

    private static List<Long> awaitRows(List<Long> expected) {
        return BROWSER.await(15, driver -> rowIds(driver).equals(expected) ? expected : null);
    }

    private static WebElement row(WebDriver driver, long id) {
        return driver.findElement(By.cssSelector("#runs tbody tr[data-id='" + id + "']"));
    }

    private static String query(WebDriver driver) {
        return URI.create(driver.getCurrentUrl()).getRawQuery();
    }

    // ------------------------------------------------------------------ the runs table

    @Test
    void filtersByTagAndStatusKeepThemInTheUrlAndSurviveAReload() throws Exception {
        String tag = unique("filter");
        JsonNode running = api.schedule("{\"name\":\"mesh\",\"tags\":[\"" + tag + "\"],\"params\":{\"cells\":1000}}");
        JsonNode finished = api.schedule("{\"name\":\"solve\",\"tags\":[\"" + tag + "\",\"cfd\"]}");
        JsonNode waiting = api.schedule("{\"name\":\"report\",\"tags\":[\"" + tag + "\"]}");
        long now = ApiCalls.now();
        api.start(running, now - 90);
        api.heartbeat(running, now, 40, "meshing level 3");
        api.start(finished, now - 30);
        api.stop(finished, now, 0, "done");
        long runningId = running.path("id").asLong();
        long finishedId = finished.path("id").asLong();
        long waitingId = waiting.path("id").asLong();

        WebDriver driver = open("/");
        driver.findElement(By.id("f-tag")).sendKeys(tag, Keys.ENTER);
        awaitRows(List.of(waitingId, finishedId, runningId));
        assertEquals("tag=" + tag, query(driver));

        WebElement live = row(driver, runningId);
        assertEquals("RUNNING", live.findElement(By.cssSelector(".status")).getText());
        assertTrue(live.getText().contains("40%"), live.getText());
        assertTrue(live.getText().contains("meshing level 3"), live.getText());
        WebElement done = row(driver, finishedId);
        assertEquals("FINISHED", done.findElement(By.cssSelector(".status")).getText());
        assertEquals("30s", done.findElement(By.cssSelector("td.duration")).getText());
        assertEquals("0", done.findElement(By.cssSelector("td.exit")).getText());
        assertEquals("SCHEDULED", row(driver, waitingId).findElement(By.cssSelector(".status")).getText());

        // a running run's duration ticks between two refreshes
        WebElement ticking = live.findElement(By.cssSelector("td.duration"));
        String first = ticking.getText();
        assertTrue(first.startsWith("1m 3") || first.startsWith("1m 4"), first);
        BROWSER.await(5, d -> !row(d, runningId).findElement(By.cssSelector("td.duration")).getText().equals(first));

        new Select(driver.findElement(By.id("f-status"))).selectByValue("RUNNING");
        awaitRows(List.of(runningId));
        assertEquals("status=RUNNING&tag=" + tag, query(driver));

        driver.navigate().refresh();
        awaitRows(List.of(runningId));
        assertEquals("RUNNING", new Select(driver.findElement(By.id("f-status"))).getFirstSelectedOption().getAttribute("value"));
        assertEquals(tag, driver.findElement(By.id("f-tag")).getAttribute("value"));

        // the time filters: an instant in the URL (UTC) is shown in the form in this browser's time zone
        java.time.Instant hourAgo = java.time.Instant.ofEpochSecond((now - 3600) / 60 * 60); // the form shows minutes
        open("/?tag=" + tag + "&from=" + hourAgo);
        awaitRows(List.of(waitingId, finishedId, runningId));
        String shownFrom = driver.findElement(By.id("f-from")).getAttribute("value");
        assertEquals(hourAgo, java.time.LocalDateTime.parse(shownFrom)
                .atZone(java.time.ZoneId.of((String) BROWSER.script("return Intl.DateTimeFormat().resolvedOptions().timeZone")))
                .toInstant());
        open("/?tag=" + tag + "&to=" + hourAgo);
        BROWSER.await(10, d -> d.findElement(By.cssSelector("#runs tbody tr.empty")).getText().equals("No runs match these filters."));
        open("/?tag=" + tag);
        awaitRows(List.of(waitingId, finishedId, runningId));

        // a tag of a row filters by that tag
        new Select(driver.findElement(By.id("f-status"))).selectByValue("");
        awaitRows(List.of(waitingId, finishedId, runningId));
        row(driver, finishedId).findElement(By.linkText("cfd")).click();
        BROWSER.await(10, d -> rowIds(d).contains(finishedId) && !rowIds(d).contains(runningId));
        assertEquals("tag=cfd", query(driver));
    }

    @Test
    void refreshesItselfWithoutReloadingThePage() throws Exception {
        String tag = unique("refresh");
        JsonNode first = api.schedule("{\"name\":\"first\",\"tags\":[\"" + tag + "\"]}");
        WebDriver driver = open("/?tag=" + tag);
        awaitRows(List.of(first.path("id").asLong()));
        BROWSER.script("window.sameDocument = true");

        JsonNode second = api.schedule("{\"name\":\"second\",\"tags\":[\"" + tag + "\"]}");
        api.start(first, ApiCalls.now());
        awaitRows(List.of(second.path("id").asLong(), first.path("id").asLong()));
        BROWSER.await(10, d -> row(d, first.path("id").asLong()).getText().contains("RUNNING"));
        assertEquals(Boolean.TRUE, BROWSER.script("return window.sameDocument"), "the page was not reloaded");
        assertTrue(driver.findElement(By.id("refreshed")).getText().startsWith("Live · updated "));
    }

    @Test
    void pagesThroughTheApisCursorAndBack() throws Exception {
        String name = unique("paged");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.schedule("{\"name\":\"" + name + "-" + i + "\"}").path("id").asLong());
        }
        WebDriver driver = open("/?name=" + name + "&limit=2");
        awaitRows(List.of(ids.get(4), ids.get(3)));
        assertEquals("Page 1", driver.findElement(By.id("page-label")).getText());
        assertFalse(driver.findElement(By.id("newer")).isEnabled());

        driver.findElement(By.id("older")).click();
        awaitRows(List.of(ids.get(2), ids.get(1)));
        assertEquals("Page 2", driver.findElement(By.id("page-label")).getText());
        assertTrue(query(driver).startsWith("name=" + name + "&limit=2&cursor="), query(driver));

        driver.findElement(By.id("older")).click();
        awaitRows(List.of(ids.get(0)));
        assertEquals("Page 3", driver.findElement(By.id("page-label")).getText());
        assertFalse(driver.findElement(By.id("older")).isEnabled(), "the last page has no cursor");

        driver.findElement(By.id("newer")).click();
        awaitRows(List.of(ids.get(2), ids.get(1)));
        driver.findElement(By.id("newer")).click();
        awaitRows(List.of(ids.get(4), ids.get(3)));
        assertEquals("name=" + name + "&limit=2", query(driver));
        assertFalse(driver.findElement(By.id("newer")).isEnabled());
    }

    // ------------------------------------------------------------------ a run's page

    @Test
    void runPageShowsParamsAndTimelineAndFollowsARunningRunUntilItsLogComes() throws Exception {
        JsonNode run = api.schedule("""
                {"name":"wing","params":{"lr":0.01,"solver":"gmres"},"tags":["cfd"],"heartbeatTimeout":300}""");
        long id = run.path("id").asLong();
        long started = ApiCalls.now();
        api.start(run, started);

        WebDriver driver = open("/runs/" + id);
        BROWSER.await(10, d -> d.findElement(By.cssSelector(".badge-slot .status")).getText().equals("RUNNING"));
        assertEquals("#" + id + " wing", driver.findElement(By.tagName("h1")).getText());
        assertEquals(Map.of("lr", "0.01", "solver", "gmres"), keyValues(driver.findElement(By.id("params"))));
        assertEquals(List.of("scheduled", "started", "deadline"), timelineKinds(driver));
        assertTrue(driver.findElement(By.id("log-state")).getText().startsWith("Following"),
                driver.findElement(By.id("log-state")).getText());
        assertTrue(driver.findElement(By.id("cancel")).isDisplayed(), "a live run can be cancelled");

        api.heartbeat(run, ApiCalls.now(), 60, "iteration 600 of 1000");
        BROWSER.await(10, d -> timelineKinds(d).contains("heartbeat"));
        assertTrue(timelineItem(driver, "heartbeat").contains("60% · iteration 600 of 1000"), timelineItem(driver, "heartbeat"));
        assertEquals("60%", driver.findElement(By.cssSelector("dd[data-term='Progress']")).getText());
        assertEquals("iteration 600 of 1000", driver.findElement(By.cssSelector("dd[data-term='Message']")).getText());

        api.stop(run, ApiCalls.now(), 0, "meshing\nsolving\nfinal residual 1.2e-6\n");
        BROWSER.await(10, d -> d.findElement(By.id("log")).getText().contains("final residual"));
        assertEquals("meshing\nsolving\nfinal residual 1.2e-6", driver.findElement(By.id("log")).getText());
        assertEquals("FINISHED", driver.findElement(By.cssSelector(".badge-slot .status")).getText());
        assertEquals(List.of("scheduled", "started", "heartbeat", "stopped"), timelineKinds(driver));
        assertTrue(timelineItem(driver, "stopped").contains("reported FINISHED · exit code 0"), timelineItem(driver, "stopped"));
        assertFalse(driver.findElement(By.id("cancel")).isDisplayed(), "an ended run cannot be cancelled");
    }

    @Test
    void aLargeLogShowsItsTailReadFromS3WithARange() throws Exception {
        JsonNode run = api.schedule("{\"name\":\"chatty\"}");
        long id = run.path("id").asLong();
        StringBuilder log = new StringBuilder();
        for (int line = 1; line <= 60_000; line++) {
            log.append(String.format("line %06d of the solver's output%n", line));
        }
        api.start(run, ApiCalls.now());
        api.stop(run, ApiCalls.now(), 0, log.toString());

        WebDriver driver = open("/runs/" + id);
        BROWSER.await(15, d -> d.findElement(By.id("log")).getText().endsWith("line 060000 of the solver's output"));
        byte[] bytes = log.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(String.format(java.util.Locale.ROOT, "The last 512.0 KiB of %.1f MiB", bytes.length / 1048576.0),
                driver.findElement(By.id("log-state")).getText());
        String shown = (String) BROWSER.script("return document.getElementById('log').textContent");
        // the last 512 KiB, from the first whole line on
        String tail = new String(bytes, bytes.length - 512 * 1024, 512 * 1024, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(tail.substring(tail.indexOf('\n') + 1), shown);
        assertTrue(shown.startsWith("line 04"), shown.substring(0, 40));
        assertEquals("/api/run/" + id + "/log", URI.create(driver.findElement(By.linkText("Open raw log")).getAttribute("href")).getPath());
    }

    @Test
    void runPageOffersItsExchangeFilesForDownload() throws Exception {
        JsonNode run = api.schedule("{\"name\":\"copy\",\"command\":\"sh infra/simulations/copy.sh\",\"inputs\":[\"params.txt\"]}");
        long id = run.path("id").asLong();
        String uploadUrl = run.path("uploads").path(0).path("url").asText();
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .PUT(HttpRequest.BodyPublishers.ofString("lr=0.01 steps=100\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, uploaded.statusCode(), uploaded.body());
        api.awaitStatus(id, Set.of("FINISHED"), Duration.ofSeconds(60));

        WebDriver driver = open("/runs/" + id);
        BROWSER.await(15, d -> d.findElements(By.cssSelector("#files [data-kind='outputs'] a[data-file]")).size() == 1);
        WebElement input = driver.findElement(By.cssSelector("#files [data-kind='inputs'] a[data-file='params.txt']"));
        WebElement output = driver.findElement(By.cssSelector("#files [data-kind='outputs'] a[data-file='result.txt']"));
        for (WebElement link : List.of(input, output)) {
            // the link itself (a plain download), and read from the page (the bucket's CORS rule allows it)
            HttpResponse<String> download = HTTP.send(HttpRequest.newBuilder(URI.create(link.getAttribute("href"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, download.statusCode(), download.body());
            assertEquals("lr=0.01 steps=100\n", download.body());
            Object read = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                    "fetch(arguments[0]).then(r => r.text()).then(arguments[1], e => arguments[1]('failed: ' + e))",
                    link.getAttribute("href"));
            assertEquals("lr=0.01 steps=100\n", read);
        }
        assertTrue(driver.findElement(By.id("log")).getText().startsWith("copied params.txt (18 bytes)"),
                driver.findElement(By.id("log")).getText());
        assertEquals("18 B", input.findElement(By.xpath("./ancestor::tr/td[2]")).getText());
    }

    @Test
    void cancelAsksFirstAndDoesNothingWhenDismissed() throws Exception {
        JsonNode run = api.schedule("{\"name\":\"sleepy\",\"command\":\"sh infra/simulations/sleepy.sh\",\"params\":{\"seconds\":120}}");
        long id = run.path("id").asLong();
        api.awaitStatus(id, Set.of("RUNNING"), Duration.ofSeconds(30));

        WebDriver driver = open("/runs/" + id);
        WebElement cancel = BROWSER.await(10, d -> {
            WebElement button = d.findElement(By.id("cancel"));
            return button.isDisplayed() ? button : null;
        });
        cancel.click();
        WebElement dialog = driver.findElement(By.id("cancel-dialog"));
        assertTrue(dialog.isDisplayed());
        assertEquals("Cancel run " + id + "?", dialog.findElement(By.tagName("h2")).getText());
        driver.findElement(By.id("keep-run")).click();
        BROWSER.await(5, d -> !d.findElement(By.id("cancel-dialog")).isDisplayed());
        Thread.sleep(2500); // a refresh later, still running
        assertEquals("RUNNING", api.get(id).path("status").asText());
        assertEquals("RUNNING", driver.findElement(By.cssSelector(".badge-slot .status")).getText());

        cancel.click();
        driver.findElement(By.id("cancel-reason")).sendKeys("wrong mesh");
        driver.findElement(By.id("confirm-cancel")).click();
        BROWSER.await(10, d -> d.findElement(By.cssSelector(".badge-slot .status")).getText().equals("CANCELLED"));
        assertEquals("wrong mesh", driver.findElement(By.cssSelector("dd[data-term='Cancelled']")).getText());
        assertTrue(timelineItem(driver, "cancelled").contains("wrong mesh"), timelineItem(driver, "cancelled"));
        JsonNode cancelled = api.get(id);
        assertEquals("CANCELLED", cancelled.path("status").asText());
        assertEquals("wrong mesh", cancelled.path("cancelReason").asText());
        assertFalse(driver.findElement(By.id("cancel")).isDisplayed());
    }

    // ------------------------------------------------------------------ a sweep

    @Test
    void sweepViewCountsRunsPerStatusAndChartsDurationAgainstAParam() throws Exception {
        JsonNode sweep = api.sweep("""
                {"name":"wing-sweep","tags":["cfd"],"grid":{"lr":[0.001,0.01,0.1],"layers":[2,4]}}""");
        long sweepId = sweep.path("sweep").asLong();
        List<JsonNode> runs = new ArrayList<>();
        sweep.path("runs").forEach(runs::add);
        long start = ApiCalls.now();
        Map<Long, Long> durations = new java.util.HashMap<>();
        for (JsonNode run : runs) {
            api.start(run, start);
        }
        // the test is the simulation: each run reports a stop whose duration depends on its params
        for (int i = 0; i < runs.size() - 1; i++) {
            JsonNode run = runs.get(i);
            JsonNode params = api.get(run.path("id").asLong()).path("params");
            long duration = 60L * params.path("layers").asInt() + Math.round(1 / params.path("lr").asDouble());
            api.stop(run, start + duration, i == 2 ? 3 : 0, "done");
            durations.put(run.path("id").asLong(), duration);
        }
        JsonNode stillRunning = runs.getLast();

        WebDriver driver = open("/sweeps/" + sweepId);
        BROWSER.await(15, d -> counts(d).equals(Map.of("SCHEDULED", 0, "RUNNING", 1, "FINISHED", 4, "FAILED", 1, "CANCELLED", 0, "LOST", 0)));
        assertTrue(driver.findElement(By.tagName("h1")).getText().contains("wing-sweep"));
        assertEquals("layers", new Select(driver.findElement(By.id("param"))).getFirstSelectedOption().getText());

        // the chart's data, as the table beside it gives it: one point per run with a duration
        assertEquals(durations, chartedDurations(driver));
        assertTrue(driver.findElement(By.id("chart-note")).getText().startsWith("1 of 6 runs have no duration yet"));
        assertTrue(chartHasInk(), "the chart drew its points");

        new Select(driver.findElement(By.id("param"))).selectByValue("lr");
        BROWSER.await(5, d -> d.findElement(By.cssSelector("#sweep-runs th.chosen")).getText().equalsIgnoreCase("lr"));
        assertTrue(driver.getCurrentUrl().endsWith("/sweeps/" + sweepId + "?param=lr"), driver.getCurrentUrl());
        Map<Long, String> lrShown = driver.findElements(By.cssSelector("#sweep-runs tbody tr")).stream().collect(Collectors.toMap(
                tr -> Long.parseLong(tr.getAttribute("data-id")), tr -> tr.findElement(By.cssSelector("td[data-param='lr']")).getText()));
        for (JsonNode run : runs) {
            long id = run.path("id").asLong();
            assertEquals(api.get(id).path("params").path("lr").asText(), lrShown.get(id), "run " + id);
        }

        // the counts follow the runs
        api.stop(stillRunning, start + 100, 0, "done");
        BROWSER.await(15, d -> counts(d).get("FINISHED") == 5 && counts(d).get("RUNNING") == 0);
        BROWSER.await(5, d -> chartedDurations(d).size() == 6);

        // a count leads to the runs table, filtered
        driver.findElement(By.cssSelector("#counts li[data-status='FAILED'] a")).click();
        awaitRows(List.of(runs.get(2).path("id").asLong()));
        assertEquals("status=FAILED&tag=sweep-" + sweepId, query(driver));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void showsTheApisMessageWhenSomethingIsWrong() throws Exception {
        String missing = api.error("/api/run/987654").path("message").asText();
        WebDriver driver = open("/runs/987654");
        WebElement error = BROWSER.await(10, d -> d.findElements(By.cssSelector("[role='alert']")).stream().findFirst().orElse(null));
        assertEquals(missing + " (404 run_not_found)", error.getText());
        assertTrue(missing.contains("987654"), missing);

        String malformed = api.error("/api/runs?cursor=MToxNzY0MjM0MDAwMDAwOjQy").path("message").asText();
        open("/?cursor=MToxNzY0MjM0MDAwMDAwOjQy");
        WebElement listing = BROWSER.await(10, d -> d.findElements(By.cssSelector("[role='alert']")).stream().findFirst().orElse(null));
        assertEquals(malformed + " (400 invalid_input)", listing.getText());

        // an ended run without a log says so in the API's words
        JsonNode run = api.schedule("{\"name\":\"no-log\"}");
        long id = run.path("id").asLong();
        assertEquals(200, LOCAL.call("PUT", "/api/run/cancel/" + id, null).statusCode());
        String noLog = api.error("/api/run/" + id + "/log").path("message").asText();
        WebDriver page = open("/runs/" + id);
        BROWSER.await(10, d -> d.findElement(By.id("log")).getText().equals(noLog + " (404 log_not_found)"));
        assertEquals("CANCELLED", page.findElement(By.cssSelector(".badge-slot .status")).getText());
    }

    // ------------------------------------------------------------------ reading the page

    private static Map<String, String> keyValues(WebElement table) {
        return table.findElements(By.cssSelector("tr")).stream().collect(Collectors.toMap(
                tr -> tr.findElement(By.tagName("th")).getText(), tr -> tr.findElement(By.tagName("td")).getText()));
    }

    private static List<String> timelineKinds(WebDriver driver) {
        return driver.findElements(By.cssSelector("#timeline li")).stream().map(li -> li.getAttribute("data-kind")).toList();
    }

    private static String timelineItem(WebDriver driver, String kind) {
        return driver.findElement(By.cssSelector("#timeline li[data-kind='" + kind + "']")).getText();
    }

    private static Map<String, Integer> counts(WebDriver driver) {
        return driver.findElements(By.cssSelector("#counts li[data-status]")).stream().collect(Collectors.toMap(
                li -> li.getAttribute("data-status"), li -> Integer.parseInt(li.findElement(By.className("count-number")).getText())));
    }

    private static Map<Long, Long> chartedDurations(WebDriver driver) {
        return driver.findElements(By.cssSelector("#sweep-runs tbody tr[data-charted='yes']")).stream().collect(Collectors.toMap(
                tr -> Long.parseLong(tr.getAttribute("data-id")),
                tr -> Long.parseLong(tr.findElement(By.cssSelector("td[data-seconds]")).getAttribute("data-seconds"))));
    }

    /** Whether the chart's canvas has coloured pixels of a status (not only white, grey grid lines and text). */
    private static boolean chartHasInk() {
        Object found = BROWSER.script("""
                const canvas = document.getElementById('duration-chart');
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let coloured = 0;
                for (let i = 0; i < data.length; i += 4) {
                  const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
                  if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
                }
                return coloured;""");
        return ((Number) found).longValue() > 50;
    }
}

