package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lackey.emulators.ProjectLayout;
import lackey.local.template.FunctionDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The functions' log, end to end in the local cloud: runs go through every kind of call (the simulation's
 * token-guarded calls, a dispatched run's container, a sweep, a cancellation, the sweeper's verdict), and then
 * every line the function hosts printed is read back. None may hold a token handed out or presented during
 * the test, and every line a function logs is a JSON object with the request id, naming the run it is about.
 */
class FunctionLogsLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPORT = Pattern.compile("REPORT RequestId: (\\S+) Function: (\\S+) .*");

    /** Every line the local cloud prints (its own and its function hosts'), kept and passed on to the test's output. */
    private static final CapturedLines CAPTURED = new CapturedLines();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud(
            options -> options.withLog(new PrintStream(CAPTURED, true, StandardCharsets.UTF_8)));

    /** An OutputStream that forwards to System.out and keeps the text, to be split into lines. */
    private static final class CapturedLines extends OutputStream {

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            System.out.write(b);
            kept.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            System.out.write(bytes, offset, length);
            kept.write(bytes, offset, length);
        }

        synchronized List<String> lines() {
            return kept.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    private final List<String> tokens = new ArrayList<>();

    private JsonNode ok(int status, String method, String path, String form) throws Exception {
        var response = LOCAL.call(method, path, form);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    private long schedule(String form) throws Exception {
        JsonNode run = ok(201, "POST", "/api/run", form);
        tokens.add(run.path("token").asText());
        return run.path("id").asLong();
    }

    private static String form(String token) {
        return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&ts=" + System.currentTimeMillis() / 1000;
    }

    private JsonNode awaitStatus(long id, String status) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        JsonNode run;
        do {
            run = ok(200, "GET", "/api/run/" + id, null);
            if (status.equals(run.path("status").asText())) {
                return run;
            }
            Thread.sleep(250);
        } while (System.currentTimeMillis() < deadline);
        return fail("run " + id + " is still " + run.path("status").asText() + ", not " + status + "\n" + LOCAL.output(id));
    }

    @Test
    void functionLinesAreJsonWithTheRequestIdAndNeverATokenHandedOut() throws Exception {
        // A tracked run through every simulation call, and a wrong token presented on the way.
        long tracked = schedule("name=logs-tracked");
        String wrong = UUID.randomUUID().toString();
        tokens.add(wrong);
        ok(403, "PUT", "/api/run/start/" + tracked, form(wrong));
        String token = tokens.getFirst();
        ok(200, "PUT", "/api/run/start/" + tracked, form(token));
        ok(200, "PUT", "/api/run/heartbeat/" + tracked, form(token) + "&progress=50&message=halfway");
        ok(200, "POST", "/api/run/log-upload/" + tracked, "token=" + token);
        ok(200, "PUT", "/api/run/stop/" + tracked, form(token) + "&log=all%20done");
        ok(200, "GET", "/api/run/" + tracked, null);
        ok(302, "GET", "/api/run/" + tracked + "/log", null);
        ok(200, "GET", "/api/run/" + tracked + "/files", null);
        ok(200, "GET", "/api/runs?limit=5", null);

        // A dispatched run: its container gets the token in its environment and calls start and stop with it.
        long dispatched = schedule("name=logs-dispatched&command=sh%20infra/simulations/hello.sh");
        awaitStatus(dispatched, "FINISHED");

        // A sweep (a token per run), one of its runs cancelled, and a silent run the sweeper declares LOST.
        var swept = LOCAL.call("POST", "/api/runs", "application/json",
                "{\"name\": \"logs-sweep\", \"runs\": [{\"n\": \"1\"}, {\"n\": \"2\"}, {\"n\": \"3\"}]}");
        assertEquals(201, swept.statusCode(), swept.body());
        List<Long> sweepRuns = new ArrayList<>();
        JSON.readTree(swept.body()).path("runs").forEach(run -> {
            tokens.add(run.path("token").asText());
            sweepRuns.add(run.path("id").asLong());
        });
        ok(200, "PUT", "/api/run/cancel/" + sweepRuns.getFirst(), "reason=not%20needed");
        long silent = schedule("name=logs-silent&heartbeatTimeout=1");
        ok(200, "PUT", "/api/run/start/" + silent, form(tokens.getLast()));
        Thread.sleep(2_100);
        Path scheduledEvent = ProjectLayout.find().root().resolve("events/scheduled-rule.json");
        JsonNode verdicts = JSON.readTree(LOCAL.cloud().invoke("SweepRunsFunction", Files.readAllBytes(scheduledEvent)));
        assertTrue(verdicts.path("lost").toString().contains(Long.toString(silent)), verdicts.toString());

        Thread.sleep(500);  // the pumps copy the hosts' output a moment later
        assertEquals(7, tokens.size(), "tokens handed out or presented: " + tokens);
        List<String> lines = CAPTURED.lines();

        // No line at all (the functions', the local cloud's own, the container's) holds a token.
        for (String line : lines) {
            for (String secret : tokens) {
                assertFalse(line.contains(secret), "a log line holds a token: " + line);
            }
        }

        Set<String> prefixes = new TreeSet<>(List.of("[functions] "));
        LOCAL.cloud().template().functions().stream().map(FunctionDefinition::functionName)
                .forEach(name -> prefixes.add("[" + name + "] "));
        Set<String> reported = new TreeSet<>();
        List<JsonNode> logged = new ArrayList<>();
        for (String line : lines) {
            String prefix = prefixes.stream().filter(line::startsWith).findFirst().orElse(null);
            if (prefix == null) {
                continue;
            }
            String text = line.substring(prefix.length());
            Matcher report = REPORT.matcher(text);
            if (report.matches()) {
                reported.add(report.group(1));  // the platform's line after each invocation
                continue;
            }
            if (text.startsWith("Picked up JAVA_TOOL_OPTIONS: ")) {
                continue;  // the JVM's own line as it starts (template.yaml sets JAVA_TOOL_OPTIONS), on Lambda too
            }
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (Exception notJson) {
                json = null;
            }
            assertTrue(json != null && json.isObject(), "a function's line that is not a JSON object: " + line);
            assertFalse(json.path("AWSRequestId").asText("").isBlank(), "a line without the request id: " + line);
            logged.add(json);
        }
        logged.forEach(json -> assertTrue(reported.contains(json.path("AWSRequestId").asText()),
                "the request id of an invocation the host reported: " + json));

        // One line per request, about its run; the sweeper's verdict and the container's calls among them.
        assertLogged(logged, "PUT /api/run/start/{id}", tracked, 403);
        assertLogged(logged, "PUT /api/run/heartbeat/{id}", tracked, 200);
        assertLogged(logged, "POST /api/run/log-upload/{id}", tracked, 200);
        assertLogged(logged, "PUT /api/run/stop/{id}", tracked, 200);
        assertLogged(logged, "POST /api/run", dispatched, 201);
        assertLogged(logged, "PUT /api/run/start/{id}", dispatched, 200);
        assertLogged(logged, "PUT /api/run/stop/{id}", dispatched, 200);
        assertLogged(logged, "PUT /api/run/cancel/{id}", sweepRuns.getFirst(), 200);
        assertTrue(logged.stream().anyMatch(json -> "POST /api/runs".equals(json.path("route").asText())
                && json.path("sweep").asLong() == sweepRuns.getFirst() && json.path("count").asInt() == 3), "the sweep's line");
        assertTrue(logged.stream().anyMatch(json -> "declared LOST".equals(json.path("message").asText())
                && json.path("runId").asLong() == silent), "the sweeper's verdict, about its run");
    }

    private static void assertLogged(List<JsonNode> logged, String route, long run, int status) {
        assertTrue(logged.stream().anyMatch(json -> route.equals(json.path("route").asText())
                        && json.path("runId").asLong() == run && json.path("status").asInt() == status),
                "no line for " + route + " of run " + run + " answered " + status);
    }
}
