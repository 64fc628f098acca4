package lackey.local.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/**
 * A test HTTP function that answers as its query string tells it: {@code sleepMillis} first, then status
 * {@code status} (200 unless given) with a text body naming the method, the body it received and how it was
 * encoded.
 */
public class ScriptedHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        long sleepMillis = Long.parseLong(query.getOrDefault("sleepMillis", "0"));
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String body = event.getRequestContext().getHttp().getMethod() + " body=" + event.getBody()
                + " base64=" + event.getIsBase64Encoded();
        return APIGatewayV2HTTPResponse.builder().withStatusCode(Integer.parseInt(query.getOrDefault("status", "200")))
                .withHeaders(Map.of("Content-Type", "text/plain")).withBody(body).withIsBase64Encoded(false).build();
    }
}
