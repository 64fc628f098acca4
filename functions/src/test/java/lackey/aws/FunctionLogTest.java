package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import lackey.run.RunId;
import org.junit.jupiter.api.Test;

class FunctionLogTest {

    private static JsonNode json(RecordingContext.Logged logged) throws IOException {
        assertTrue(logged.asBytes(), "bytes, which the runtime passes on unchanged in either log format");
        assertTrue(logged.text().endsWith("\n") && logged.text().indexOf('\n') == logged.text().length() - 1,
                "one line: " + logged.text());
        JsonNode line = RunJson.MAPPER.readTree(logged.text());
        assertTrue(line.isObject(), logged.text());
        assertTrue(line.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                "the timestamp format of Lambda's JSON lines: " + line);
        return line;
    }

    @Test
    void everyLineIsAJsonObjectWithTheRequestIdAndTheRunItIsAbout() throws IOException {
        RecordingContext context = new RecordingContext("8f5e6d2a-0000-4000-8000-000000000001");
        FunctionLog.during(context, () -> {
            FunctionLog.info("before the run is known");
            FunctionLog.aboutRun(new RunId(7));
            FunctionLog.info("about the invocation's run");
            FunctionLog.warn(new RunId(8), "about another run");
            return null;
        });
        List<RecordingContext.Logged> logged = context.logged();
        assertEquals(3, logged.size());
        assertEquals(List.of(LogLevel.INFO, LogLevel.INFO, LogLevel.WARN), logged.stream().map(RecordingContext.Logged::level).toList(),
                "the level goes to the logger, which filters by the function's application log level");
        JsonNode first = json(logged.get(0));
        assertEquals("8f5e6d2a-0000-4000-8000-000000000001", first.path("AWSRequestId").asText());
        assertEquals("INFO", first.path("level").asText());
        assertFalse(first.has("runId"));
        assertEquals(7, json(logged.get(1)).path("runId").asLong());
        JsonNode third = json(logged.get(2));
        assertEquals(8, third.path("runId").asLong());
        assertEquals("about another run", third.path("message").asText());
        assertEquals("8f5e6d2a-0000-4000-8000-000000000001", third.path("AWSRequestId").asText());
    }

    @Test
    void anUnexpectedFailureIsOneLineWithItsStack() throws IOException {
        RecordingContext context = new RecordingContext("r-1");
        FunctionLog.during(context, () -> {
            FunctionLog.error("PUT /api/run/stop/{id} 500", new IllegalStateException("boom"), line -> line.put("status", 500));
            return null;
        });
        JsonNode line = json(context.logged().getFirst());
        assertEquals("ERROR", line.path("level").asText());
        assertEquals(500, line.path("status").asInt());
        assertTrue(line.path("stackTrace").asText().startsWith("java.lang.IllegalStateException: boom\n\tat "),
                line.path("stackTrace").asText());
        assertEquals(LogLevel.ERROR, context.logged().getFirst().level());
    }

    @Test
    void eachInvocationKeepsItsOwnRequestIdAndRun() throws Exception {
        RecordingContext first = new RecordingContext("first");
        RecordingContext second = new RecordingContext("second");
        FunctionLog.during(first, () -> {
            FunctionLog.aboutRun(new RunId(1));
            Thread other = Thread.ofVirtual().start(() -> FunctionLog.during(second, () -> {
                FunctionLog.info("second's line");
                return null;
            }));
            other.join();
            FunctionLog.info("first's line");
            return null;
        });
        JsonNode secondLine = json(second.logged().getFirst());
        assertEquals("second", secondLine.path("AWSRequestId").asText());
        assertFalse(secondLine.has("runId"), "a run of another invocation is not this one's");
        JsonNode firstLine = json(first.logged().getFirst());
        assertEquals("first", firstLine.path("AWSRequestId").asText());
        assertEquals(1, firstLine.path("runId").asLong());
    }

    @Test
    void withoutAContextOnlyWarningsAndErrorsReachStandardError() throws IOException {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            FunctionLog.during(null, () -> {
                FunctionLog.info(new RunId(3), "a request line nobody reads");
                FunctionLog.warn(new RunId(3), "something to see");
                return null;
            });
        } finally {
            System.setErr(original);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = RunJson.MAPPER.readTree(lines.getFirst());
        assertEquals("WARN", line.path("level").asText());
        assertEquals(3, line.path("runId").asLong());
        assertFalse(line.has("AWSRequestId"), "no invocation, no request id");
    }
}
