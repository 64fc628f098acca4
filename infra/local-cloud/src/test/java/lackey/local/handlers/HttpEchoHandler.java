package lackey.local.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/** A test HTTP function: reports what it understood of the payload 2.0 event it was handed. */
public class HttpEchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String body = event.getRequestContext().getHttp().getMethod() + " " + event.getRawPath() + " id="
                + event.getPathParameters().get("id") + " base64=" + event.getIsBase64Encoded() + " body=" + event.getBody()
                + " route=" + event.getRouteKey() + " accept=" + event.getHeaders().get("accept");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(299).withHeaders(Map.of("Content-Type", "text/plain"))
                .withBody(body).withIsBase64Encoded(false).build();
    }
}
