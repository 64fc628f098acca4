package lackey.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads the sample events in events/ (the files {@code sam local invoke -e} uses) with the Lambda
 * runtime's own serialisation, and adapts them to a run: its id and token replace the seed's.
 */
final class SampleEvents {

    static final String SEED_TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";
    private static final Path EVENTS = Path.of("..", "events");

    private SampleEvents() {
    }

    static APIGatewayV2HTTPEvent http(String file) {
        try (InputStream in = Files.newInputStream(EVENTS.resolve(file))) {
            return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read events/" + file, e);
        }
    }

    static String text(String file) {
        try {
            return Files.readString(EVENTS.resolve(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read events/" + file, e);
        }
    }

    /** The sample for the given run id, with its decoded body rewritten. */
    static APIGatewayV2HTTPEvent http(String file, long runId, UnaryOperator<String> body) {
        APIGatewayV2HTTPEvent event = http(file);
        if (event.getPathParameters() != null && event.getPathParameters().containsKey("id")) {
            Map<String, String> path = new HashMap<>(event.getPathParameters());
            path.put("id", Long.toString(runId));
            event.setPathParameters(path);
            event.setRawPath(event.getRawPath().replaceAll("/\\d+$", "/" + runId));
        }
        String decoded = decodedBody(event);
        String rewritten = body.apply(decoded);
        event.setBody(event.getIsBase64Encoded()
                ? Base64.getEncoder().encodeToString(rewritten.getBytes(StandardCharsets.UTF_8))
                : rewritten);
        return event;
    }

    static String decodedBody(APIGatewayV2HTTPEvent event) {
        if (event.getBody() == null) {
            return "";
        }
        return event.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8)
                : event.getBody();
    }

    /** The same event with another content type and a plain body. */
    static APIGatewayV2HTTPEvent withBody(APIGatewayV2HTTPEvent event, String contentType, String body) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("content-type", contentType);
        event.setHeaders(headers);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }
}
