package lackey.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.RunException;
import lackey.run.RunNotFound;
import lackey.run.TooLarge;
import lackey.run.UnsupportedBody;
import lackey.run.WrongState;
import lackey.run.WrongToken;

/** Builds HTTP responses; the one place where failures become status codes. */
final class HttpResponses {

    private static final Map<String, String> JSON = Map.of("content-type", "application/json; charset=utf-8");

    private HttpResponses() {
    }

    static APIGatewayV2HTTPResponse ok(JsonNode body) {
        return json(200, body, JSON);
    }

    static APIGatewayV2HTTPResponse created(String location, JsonNode body) {
        return json(201, body, Map.of("content-type", JSON.get("content-type"), "location", location));
    }

    static APIGatewayV2HTTPResponse failure(RunException problem) {
        int status = switch (problem) {
            case InvalidInput p -> 400;
            case WrongToken p -> 403;
            case RunNotFound p -> 404;
            case WrongState p -> 409;
            case TooLarge p -> 413;
            case UnsupportedBody p -> 415;
        };
        return error(status, problem.code(), problem.getMessage());
    }

    /** A 500 tells the caller only the request id to quote; the stack went to the function's log. */
    static APIGatewayV2HTTPResponse internalError(String requestId) {
        return error(500, "internal_error", "lackey failed to handle the request; quote request id " + requestId);
    }

    private static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        var body = RunJson.MAPPER.createObjectNode().put("error", code).put("message", message);
        return json(status, body, JSON);
    }

    private static APIGatewayV2HTTPResponse json(int status, JsonNode body, Map<String, String> headers) {
        try {
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(status)
                    .withHeaders(headers)
                    .withBody(RunJson.MAPPER.writeValueAsString(body))
                    .withIsBase64Encoded(false)
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode always serialises", e);
        }
    }
}
