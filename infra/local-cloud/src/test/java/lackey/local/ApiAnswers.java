package lackey.local;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import lackey.contract.ApiContract;

/**
 * Holds every answer the end-to-end tests get from the local API to openapi.yaml: the shared HTTP helpers
 * pass each response through here, and one the description does not allow fails the test.
 */
final class ApiAnswers {

    private ApiAnswers() {
    }

    /** Checks a response of the local API (java.net.http) and hands it back. */
    static HttpResponse<String> checked(HttpResponse<String> response) {
        String path = response.uri().getRawPath() + (response.uri().getRawQuery() == null ? "" : "?" + response.uri().getRawQuery());
        check(response.request().method(), path, response.statusCode(), response.headers().map(), response.body());
        return response;
    }

    /** Checks one answer; a null body is one the caller did not see (curl following a redirect). */
    static void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        ApiContract.ofRepository().check(method, path, status, headers, body);
    }
}
