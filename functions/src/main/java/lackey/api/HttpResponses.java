package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import lackey.aws.RunJson;
import lackey.run.InvalidInput;
import lackey.run.LogNotFound;
import lackey.run.RunException;
import lackey.run.RunNotFound;
import lackey.run.SweepFailed;
import lackey.run.TooLarge;
import lackey.run.Unavailable;
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

    /**
     * A 302 to a short-lived URL (a presigned S3 link). The body repeats it for scripts; no-store, because the
     * URL carries a signature and expires.
     */
    static HttpResponse redirect(String location, JsonNode body) {
        return new HttpResponse(302, Map.of("content-type", JSON, "location", location, "cache-control", "no-store"), body);
    }

    static HttpResponse failure(RunException problem) {
        int status = switch (problem) {
            case InvalidInput p -> 400;
            case WrongToken p -> 403;
            case RunNotFound p -> 404;
            case LogNotFound p -> 404;
            case WrongState p -> 409;
            case TooLarge p -> 413;
            case UnsupportedBody p -> 415;
            case SweepFailed p -> 503;
            case Unavailable p -> 503;
        };
        HttpResponse response = error(status, problem.code(), problem.getMessage());
        if (problem instanceof SweepFailed failed) {
            // exactly which runs of the undone sweep still exist (normally none), for the caller to act on
            var existing = ((ObjectNode) response.body()).putArray("existing");
            failed.existing().forEach(id -> existing.add(id.value()));
        }
        if (status == 503) {
            // a passing condition: say when to try again (curl --retry waits that long)
            Duration after = problem instanceof Unavailable unavailable ? unavailable.retryAfter() : Unavailable.AFTER_OUTAGE;
            return new HttpResponse(503, Map.of("content-type", JSON, "retry-after", Long.toString(after.toSeconds())),
                    response.body());
        }
        return response;
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
