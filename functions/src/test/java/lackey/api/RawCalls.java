package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import lackey.aws.LocalAws;
import lackey.aws.PublishingRuns;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Any request to any route of the HTTP API, down to its bytes: the samples in events/ with the path's id, the raw
 * query string, the content type and the body replaced (a body as API Gateway hands it over, base64 or text). With
 * what a run looks like in DynamoDB and S3, to prove a refused request changed nothing.
 */
final class RawCalls {

    /** Every route of the HTTP API (template.yaml), with the sample event it is built on. */
    enum Route {
        SCHEDULE("schedule-run-form.json", false),
        SWEEP("schedule-sweep.json", false),
        START("start-run.json", true),
        HEARTBEAT("heartbeat-run.json", true),
        STOP("stop-run.json", true),
        LOG_UPLOAD("log-upload.json", true),
        CANCEL("cancel-run.json", true),
        GET("get-run.json", true),
        LIST("list-runs.json", false),
        LOG("get-run-log.json", true),
        FILES("list-files.json", true),
        INPUTS("input-upload.json", true),
        OUTPUT_UPLOAD("output-upload.json", true);

        final String sample;
        final boolean hasId;

        Route(String sample, boolean hasId) {
            this.sample = sample;
            this.hasId = hasId;
        }
    }

    /** One handler per route, each wired as its function's container is, against the emulators. */
    static final class Handlers {
        private final Map<Route, RequestStreamHandler> byRoute;

        Handlers(LocalAws aws) {
            var runs = aws.lifecycle();
            var exchange = RunFiles.exchange(aws.config(), aws.credentials);
            var logs = RunFiles.logs(aws.config(), aws.credentials);
            byRoute = Map.ofEntries(
                    Map.entry(Route.SCHEDULE, new ScheduleRunHandler(runs, exchange)),
                    Map.entry(Route.SWEEP, new ScheduleSweepHandler(PublishingRuns.sweeps(aws.config(), aws.credentials))),
                    Map.entry(Route.START, new StartRunHandler(runs)),
                    Map.entry(Route.HEARTBEAT, new HeartbeatRunHandler(runs)),
                    Map.entry(Route.STOP, new StopRunHandler(runs)),
                    Map.entry(Route.LOG_UPLOAD, new LogUploadHandler(logs)),
                    Map.entry(Route.CANCEL, new CancelRunHandler(runs)),
                    Map.entry(Route.GET, new GetRunHandler(runs)),
                    Map.entry(Route.LIST, new ListRunsHandler(aws.catalog())),
                    Map.entry(Route.LOG, new GetRunLogHandler(logs)),
                    Map.entry(Route.FILES, new ListRunFilesHandler(exchange)),
                    Map.entry(Route.INPUTS, new InputUploadHandler(exchange)),
                    Map.entry(Route.OUTPUT_UPLOAD, new OutputUploadHandler(exchange)));
        }

        RequestStreamHandler of(Route route) {
            return byRoute.get(route);
        }
    }

    private RawCalls() {
    }

    /**
     * The event API Gateway would hand the route's function: {@code id} as the path parameter (as decoded text),
     * {@code rawQuery} as sent, {@code contentType} (null: no such header) and {@code body}, base64-encoded or as
     * text (then it must be UTF-8, as API Gateway's JSON event can only carry text).
     */
    static ObjectNode event(Route route, String id, String rawQuery, String contentType, byte[] body, boolean base64) {
        ObjectNode event = SampleEvents.http(route.sample);
        if (route.hasId) {
            ((ObjectNode) event.get("pathParameters")).put("id", id);
            event.put("rawPath", event.get("rawPath").asText().replaceFirst("/\\d+(/[a-z]+)?$", "/" + id + "$1"));
        }
        event.put("rawQueryString", rawQuery);
        event.remove("queryStringParameters");
        if (!rawQuery.isEmpty()) {
            ObjectNode query = event.putObject("queryStringParameters");
            gatewayParameters(rawQuery).forEach(query::put);
        }
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.remove("content-type");
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        if (body.length == 0) {
            event.remove("body");
            event.put("isBase64Encoded", false);
        } else if (base64) {
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
        } else {
            event.put("body", new String(body, StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** What API Gateway puts in queryStringParameters: decoded values, a repeated name's values joined by commas. */
    private static Map<String, String> gatewayParameters(String rawQuery) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            parameters.merge(lenientDecode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : lenientDecode(pair.substring(eq + 1)),
                    (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String lenientDecode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** A form body, as curl -d sends it (API Gateway base64-encodes form bodies). */
    static ObjectNode form(Route route, String id, String body) {
        return event(route, id, "", "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8), true);
    }

    /** A JSON body, as text (API Gateway passes JSON bodies as they are). */
    static ObjectNode json(Route route, String id, String body) {
        return event(route, id, "", "application/json", body.getBytes(StandardCharsets.UTF_8), false);
    }

    /** A request with no body, such as a GET. */
    static ObjectNode bare(Route route, String id, String rawQuery) {
        return event(route, id, rawQuery, null, new byte[0], false);
    }

    /** Invokes a stream handler as the Lambda runtime does and reads its answer, whatever it is. */
    static SampleEvents.Answer invoke(RequestStreamHandler handler, JsonNode event) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(RunJson.MAPPER.writeValueAsBytes(event)), out, null);
            JsonNode response = RunJson.MAPPER.readTree(out.toByteArray());
            String raw = response.path("body").asText();
            JsonNode body;
            try {
                body = RunJson.MAPPER.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
            return new SampleEvents.Answer(response.path("statusCode").asInt(), response.path("headers"), body, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A refusal as every one must look: a 4xx with a JSON body {"error", "message"} and nothing else, no stack. */
    static void assertRefused(SampleEvents.Answer answer, String what) {
        assertTrue(answer.status() >= 400 && answer.status() < 500, what + ": " + answer.status() + " " + answer.rawBody());
        assertTrue(answer.body() != null && answer.body().isObject(), what + ": not JSON: " + answer.rawBody());
        assertTrue(answer.body().path("error").isTextual() && !answer.body().get("error").asText().isEmpty(),
                what + ": " + answer.rawBody());
        assertTrue(answer.body().path("message").isTextual() && !answer.body().get("message").asText().isBlank(),
                what + ": " + answer.rawBody());
        assertFalse(answer.rawBody().contains("at lackey."), what + ": a stack trace");
        assertTrue(answer.header("content-type").startsWith("application/json"), what + ": " + answer.header("content-type"));
    }

    /** A 400 invalid_input, as every malformed request must get. */
    static void assertInvalid(SampleEvents.Answer answer, String what) {
        assertRefused(answer, what);
        assertEquals(400, answer.status(), what + ": " + answer.rawBody());
        assertEquals("invalid_input", answer.body().get("error").asText(), what + ": " + answer.rawBody());
    }

    /** What a run is in the emulators: its DynamoDB item and its objects in S3 (key and ETag), logs and exchange files. */
    record Snapshot(Map<String, AttributeValue> item, Map<String, String> objects) {

        static Snapshot of(LocalAws aws, long id) {
            Map<String, AttributeValue> item = aws.dynamo.getItem(get -> get.tableName(LocalAws.TABLE).consistentRead(true)
                    .key(Map.of("id", AttributeValue.fromN(Long.toString(id))))).item();
            Map<String, String> objects = new TreeMap<>();
            for (String prefix : new String[] {"logs/" + id + "/", "exchange/" + id + "/"}) {
                aws.s3.listObjectsV2Paginator(list -> list.bucket(LocalAws.BUCKET).prefix(prefix)).contents()
                        .forEach(object -> objects.put(object.key(), object.eTag()));
            }
            return new Snapshot(new TreeMap<>(item), objects);
        }
    }
}
