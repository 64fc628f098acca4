package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The pictures of docs/dashboard.md: a local cloud of its own with a day's worth of runs (a sweep, runs of every
 * status, one with files and a log), and a screenshot of the runs table, a run's page and the sweep's page in
 * target/screenshots/. The docs' copies in docs/images/ are taken from there by hand, after a look.
 */
class DashboardScreenshotsIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ApiCalls api = new ApiCalls(LOCAL);

    @Test
    void screenshotsOfTheRunsTableARunAndASweep() throws Exception {
        // Everything happens in real time (a few seconds), so every time the pages show is one that passed.
        Timeline timeline = new Timeline();
        long sweep = wingSweep(timeline);
        long flow = cylinderFlow(timeline);
        JsonNode mesh = api.schedule("{\"name\":\"mesh-refine\",\"tags\":[\"cfd\",\"nightly\"],\"params\":{\"cells\":2000000}}");
        timeline.at(0, () -> api.start(mesh, timeline.ts(0)));
        timeline.at(6, () -> api.heartbeat(mesh, timeline.ts(6), 42, "refining level 3 of 7"));
        JsonNode post = api.schedule("{\"name\":\"post-process\",\"tags\":[\"cfd\"]}");
        timeline.at(0, () -> api.start(post, timeline.ts(0)));
        timeline.at(3, () -> api.stop(post, timeline.ts(3), 2, "reading fields\nstep 1\nstep 2: diverged\n"));
        JsonNode airfoil = api.schedule("{\"name\":\"airfoil-naca0012\",\"tags\":[\"demo\"],\"params\":{\"mach\":0.8}}");
        timeline.at(2, () -> LOCAL.call("PUT", "/api/run/cancel/" + airfoil.path("id").asLong(), "reason=wrong+mesh"));
        JsonNode hello = api.schedule("{\"name\":\"hello\",\"command\":\"sh infra/simulations/hello.sh\",\"tags\":[\"demo\"]}");
        api.schedule("{\"name\":\"render-mesh\",\"command\":\"sh infra/simulations/hello.sh\",\"waitFor\":\""
                + mesh.path("id").asLong() + "/refined.msh\"}");
        api.schedule("{\"name\":\"queue-test\",\"tags\":[\"demo\"]}");
        timeline.run();
        api.awaitStatus(hello.path("id").asLong(), Set.of("FINISHED"), Duration.ofSeconds(60));
        assertEquals("CANCELLED", api.get(airfoil.path("id").asLong()).path("status").asText());

        WebDriver driver = BROWSER.driver();
        String base = LOCAL.cloud().apiUrl().toString();
        driver.get(base + "/");
        BROWSER.await(15, d -> d.findElements(By.cssSelector("#runs tbody tr[data-id]")).size() >= 15);
        Path table = BROWSER.screenshot("runs-table");

        driver.get(base + "/runs/" + flow);
        BROWSER.await(15, d -> d.findElement(By.id("log")).getText().contains("converged")
                && d.findElements(By.cssSelector("#files a[data-file]")).size() == 3);
        Path run = BROWSER.screenshot("run-page");

        driver.get(base + "/sweeps/" + sweep + "?param=lr");
        BROWSER.await(15, d -> d.findElements(By.cssSelector("#sweep-runs tbody tr[data-charted='yes']")).size() == 8);
        Thread.sleep(300); // the chart draws on the next frame
        Path chart = BROWSER.screenshot("sweep-view");

        for (Path picture : List.of(table, run, chart)) {
            assertTrue(Files.size(picture) > 20_000, picture + " is a real picture");
        }
        assertEquals(List.of(), BROWSER.consoleErrors());
    }

    /**
     * A tracked grid whose runs the test reports on: each stops after a few seconds, longer with more layers and a
     * smaller lr; one diverges, one is still running.
     */
    private long wingSweep(Timeline timeline) throws Exception {
        JsonNode sweep = api.sweep("""
                {"name":"wing-sweep","tags":["cfd"],"params":{"steps":1000},"grid":{"lr":[0.001,0.01,0.1],"layers":[2,4,8]}}""");
        List<JsonNode> runs = new ArrayList<>();
        sweep.path("runs").forEach(runs::add);
        for (int i = 0; i < runs.size(); i++) {
            JsonNode run = runs.get(i);
            JsonNode params = api.get(run.path("id").asLong()).path("params");
            double lr = params.path("lr").asDouble();
            int layers = params.path("layers").asInt();
            timeline.at(0, () -> api.start(run, timeline.ts(0)));
            if (i == 0) {
                timeline.at(5, () -> api.heartbeat(run, timeline.ts(5), 63, "iteration 630 of 1000"));
                continue;
            }
            long seconds = Math.round(0.35 * layers * (1 + 0.4 * Math.pow(0.1 / lr, 0.3)));
            boolean diverged = layers == 8 && lr == 0.1;
            String log = diverged ? "diverged at step 412\n" : "converged\n";
            timeline.at(seconds, () -> api.stop(run, timeline.ts(seconds), diverged ? 3 : 0, log));
        }
        return sweep.path("sweep").asLong();
    }

    /** A run with everything a run page shows: params, heartbeats, an input, outputs and a log. */
    private long cylinderFlow(Timeline timeline) throws Exception {
        JsonNode run = api.schedule("""
                {"name":"cylinder-flow","tags":["cfd","nightly"],"inputs":["mesh.msh"],
                 "params":{"re":200,"mesh":"fine","steps":5000,"dt":0.002}}""");
        long id = run.path("id").asLong();
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(run.path("uploads").path(0).path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString("$MeshFormat\n4.1 0 8\n$EndMeshFormat\n".repeat(40))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, uploaded.statusCode(), uploaded.body());
        timeline.at(0, () -> api.start(run, timeline.ts(0)));
        timeline.at(2, () -> api.heartbeat(run, timeline.ts(2), 40, "step 2000 of 5000"));
        timeline.at(4, () -> api.heartbeat(run, timeline.ts(4), 80, "step 4000 of 5000"));
        // the outputs, written into the exchange folder as a local simulation does (LACKEY_EXCHANGE_DIR)
        Path out = LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET"))
                .resolve("exchange").resolve(Long.toString(id)).resolve("out");
        timeline.at(5, () -> {
            Files.createDirectories(out);
            Files.writeString(out.resolve("forces.csv"), "t,cd,cl\n" + "0.002,1.342,0.011\n".repeat(200));
            Files.writeString(out.resolve("summary.json"), "{\"cd\":1.341,\"cl_rms\":0.68,\"strouhal\":0.197}\n");
            return null;
        });
        StringBuilder log = new StringBuilder("reading mesh.msh: 48,212 cells\nRe = 200, dt = 0.002, 5000 steps\n");
        for (int step = 500; step <= 5000; step += 500) {
            log.append(String.format("step %4d  t = %5.2f  cd = %.3f  cl = %+.3f  residual %.1e%n", step, step * 0.002,
                    1.34 + 0.01 * Math.sin(step), 0.68 * Math.sin(step / 300.0), 3e-3 / step));
        }
        log.append("converged: Strouhal number 0.197\nwrote forces.csv, summary.json\n");
        timeline.at(7, () -> api.stop(run, timeline.ts(7), 0, log.toString()));
        return id;
    }

    /**
     * Calls to make at given seconds after {@link #run()} starts, in time order; a call at second s reports the
     * client timestamp {@code ts(s)}, so durations are exactly as planned.
     */
    private static final class Timeline {

        private record Step(long second, int order, java.util.concurrent.Callable<?> call) {
        }

        private final List<Step> steps = new ArrayList<>();
        private long start;

        long ts(long second) {
            return start + second;
        }

        void at(long second, java.util.concurrent.Callable<?> call) {
            steps.add(new Step(second, steps.size(), call));
        }

        void run() throws Exception {
            start = ApiCalls.now();
            long begin = System.nanoTime(); // whole seconds after start, so ts(s) is never ahead of the clock
            List<Step> ordered = steps.stream()
                    .sorted(java.util.Comparator.comparingLong(Step::second).thenComparingInt(Step::order)).toList();
            for (Step step : ordered) {
                long wait = begin + Duration.ofSeconds(step.second()).toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                step.call().call();
            }
        }
    }
}
