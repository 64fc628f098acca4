package lackey.api;

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

    private static final String JSON = "application/json; charset=utf-8";

    private HttpResponses() {
    }

    static HttpResponse ok(JsonNode body) {
        return new HttpResponse(200, Map.of("content-type", JSON), body);
    }

    static HttpResponse created(String location, JsonNode body) {
        return new HttpResponse(201, Map.of("content-type", JSON, "location", location), body);
    }

    static HttpResponse failure(RunException problem) {
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
    static HttpResponse internalError(String requestId) {
        return error(500, "internal_error", "lackey failed to handle the request; quote request id " + requestId);
    }

    private static HttpResponse error(int status, String code, String message) {
        return new HttpResponse(status, Map.of("content-type", JSON),
                RunJson.MAPPER.createObjectNode().put("error", code).put("message", message));
    }
}
