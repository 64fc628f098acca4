package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import lackey.aws.RunJson;
import lackey.contract.ApiContract;

/**
 * The sample events in events/ (the files {@code sam local invoke -e} uses), adapted to a run: its id
 * and token replace the seed's. Handlers get them as the bytes Lambda would hand over.
 */
final class SampleEvents {

    static final String SEED_TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";
    private static final Path EVENTS = Path.of("..", "events");

    private SampleEvents() {
    }

    static ObjectNode http(String file) {
        try {
            return (ObjectNode) RunJson.MAPPER.readTree(EVENTS.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read events/" + file, e);
        }
    }

    static String text(String file) {
        try {
            return Files.readString(EVENTS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read events/" + file, e);
        }
    }

    /** The sample for the given run id, with its decoded body rewritten. */
    static ObjectNode http(String file, long runId, UnaryOperator<String> body) {
        ObjectNode event = http(file);
        if (event.path("pathParameters").has("id")) {
            ((ObjectNode) event.get("pathParameters")).put("id", Long.toString(runId));
            event.put("rawPath", event.get("rawPath").asText().replaceAll("/\\d+$", "/" + runId));
        }
        String rewritten = body.apply(decodedBody(event));
        event.put("body", event.path("isBase64Encoded").asBoolean()
                ? Base64.getEncoder().encodeToString(rewritten.getBytes(StandardCharsets.UTF_8))
                : rewritten);
        return event;
    }

    static String decodedBody(JsonNode event) {
        if (!event.hasNonNull("body")) {
            return "";
        }
        return event.path("isBase64Encoded").asBoolean()
                ? new String(Base64.getDecoder().decode(event.get("body").asText()), StandardCharsets.UTF_8)
                : event.get("body").asText();
    }

    /** The same event with another content type and a plain body. */
    static ObjectNode withBody(ObjectNode event, String contentType, String body) {
        ((ObjectNode) event.get("headers")).put("content-type", contentType);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A handler's answer to an HTTP event: status, headers and the JSON body. */
    record Answer(int status, JsonNode headers, JsonNode body, String rawBody) {
        String header(String name) {
            return headers.path(name).asText(null);
        }
    }

    /**
     * Invokes a stream handler as the Lambda runtime does: event bytes in, response bytes out. Every answer is
     * checked against openapi.yaml for the event's method and path, as API Gateway would pass it on.
     */
    static Answer invoke(RequestStreamHandler handler, JsonNode event) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(RunJson.MAPPER.writeValueAsBytes(event)), out, null);
            JsonNode response = RunJson.MAPPER.readTree(out.toByteArray());
            String raw = response.path("body").asText();
            Answer answer = new Answer(response.path("statusCode").asInt(), response.path("headers"), RunJson.MAPPER.readTree(raw), raw);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            answer.headers().properties().forEach(header -> headers.put(header.getKey(), List.of(header.getValue().asText())));
            ApiContract.ofRepository().check(event.at("/requestContext/http/method").asText(), event.path("rawPath").asText(),
                    answer.status(), headers, raw);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
