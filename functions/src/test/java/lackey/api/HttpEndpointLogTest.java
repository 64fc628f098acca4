package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Function;
import lackey.aws.RecordingContext;
import lackey.aws.RunJson;
import lackey.run.RunId;
import lackey.run.WrongToken;
import org.junit.jupiter.api.Test;

/** Every HTTP request logs one JSON line: route, status, duration, the run's id; never the token it carried. */
class HttpEndpointLogTest {

    private final RecordingContext context = new RecordingContext("c0ffee00-0000-4000-8000-000000000042");

    private JsonNode serve(String sample, Function<HttpRequest, HttpResponse> action) throws IOException {
        byte[] event = RunJson.MAPPER.writeValueAsBytes(SampleEvents.http(sample));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpEndpoint.serve(new ByteArrayInputStream(event), out, context, action);
        assertEquals(1, context.logged().size(), "one line per request: " + context.logged());
        RecordingContext.Logged logged = context.logged().getFirst();
        assertFalse(logged.text().contains(SampleEvents.SEED_TOKEN), "the request's token is in its log line: " + logged.text());
        JsonNode line = RunJson.MAPPER.readTree(logged.text());
        assertEquals("c0ffee00-0000-4000-8000-000000000042", line.path("AWSRequestId").asText());
        assertEquals(logged.level().name(), line.path("level").asText());
        assertTrue(line.path("durationMs").canConvertToLong(), line.toString());
        return line;
    }

    @Test
    void anAnsweredRequestLogsItsRouteStatusAndRun() throws IOException {
        JsonNode line = serve("start-run.json", request -> HttpResponses.ok(RunJson.MAPPER.createObjectNode().put("id", 1)));
        assertEquals("PUT /api/run/start/{id}", line.path("route").asText());
        assertEquals(200, line.path("status").asInt());
        assertEquals(1, line.path("runId").asLong());
        assertEquals("PUT /api/run/start/{id} 200", line.path("message").asText());
        assertEquals(LogLevel.INFO, context.logged().getFirst().level());
    }

    @Test
    void aRefusedRequestLogsItsErrorCodeAndNotItsMessage() throws IOException {
        JsonNode line = serve("stop-run.json", request -> {
            throw new WrongToken(request.runId());
        });
        assertEquals(403, line.path("status").asInt());
        assertEquals("wrong_token", line.path("error").asText());
        assertEquals(1, line.path("runId").asLong());
        assertEquals(LogLevel.INFO, context.logged().getFirst().level(), "a client's mistake is not the service's error");
    }

    @Test
    void aCrashLogsItsStackUnderTheRequestIdTheAnswerQuotes() throws IOException {
        JsonNode line = serve("start-run.json", request -> {
            throw new IllegalStateException("the store is on fire");
        });
        assertEquals(500, line.path("status").asInt());
        assertEquals("internal_error", line.path("error").asText());
        assertTrue(line.path("stackTrace").asText().contains("the store is on fire"), line.toString());
        assertEquals(LogLevel.ERROR, context.logged().getFirst().level());
    }

    @Test
    void aScheduledRunIsTheRunItsLineIsAbout() throws IOException {
        JsonNode line = serve("schedule-run-form.json", request -> HttpResponses.created("/api/run/42",
                RunJson.MAPPER.createObjectNode().put("id", new RunId(42).value()).put("token", SampleEvents.SEED_TOKEN)));
        assertEquals("POST /api/run", line.path("route").asText());
        assertEquals(201, line.path("status").asInt());
        assertEquals(42, line.path("runId").asLong(), "the answer's id");
    }
}
