package lackey.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lackey.run.InvalidInput;
import lackey.run.RunId;

/** An HTTP API (payload 2.0) request as the handlers need it: path parameters and the decoded body. */
record HttpRequest(Map<String, String> pathParameters, Map<String, String> headers, byte[] body) {

    static HttpRequest of(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        byte[] body;
        if (raw == null) {
            body = new byte[0];
        } else if (event.getIsBase64Encoded()) {
            try {
                body = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("the body is marked base64 but is not");
            }
        } else {
            body = raw.getBytes(StandardCharsets.UTF_8);
        }
        return new HttpRequest(
                event.getPathParameters() == null ? Map.of() : event.getPathParameters(),
                event.getHeaders() == null ? Map.of() : event.getHeaders(),
                body);
    }

    /** The {id} path parameter as a run id. */
    RunId runId() {
        return RunId.parse(pathParameters.get("id"));
    }

    /** A header by name, whatever its case (API Gateway lower-cases them, SAM local may not). */
    Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    RequestFields fields() {
        return RequestFields.parse(header("content-type").orElse(""), body);
    }
}
