package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Known answers: requests really signed by {@code curl --aws-sigv4} (7.88) and by the CLI (the SDK's
 * AwsV4HttpSigner), captured as they came over the wire, and AWS's own {@code get-vanilla} test vector. Each is
 * accepted at its own time with the local credentials; any change to what was signed, or another key, time,
 * region or service, is refused.
 */
class IamAuthorizerTest {

    private static final String KEY = "lackey-local";
    private static final String SECRET = "lackey-local-secret";

    /** {@code curl -s --aws-sigv4 "aws:amz:us-east-1:execute-api" --user KEY:SECRET -X POST -d "name=curl-signed&tags=a,b" …/api/run}. */
    private static final Captured CURL_POST = new Captured("POST", "/api/run", null, List.of(
            Map.entry("Host", "127.0.0.1:8159"),
            Map.entry("Authorization", "AWS4-HMAC-SHA256 Credential=lackey-local/20261129/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host;x-amz-date, Signature=533271251ae673e1b22ec7d14f38f5cdb06cc5f9c3ac101005e8618b818cc2a4"),
            Map.entry("X-Amz-Date", "20261129T222131Z"),
            Map.entry("User-Agent", "curl/7.88.1"),
            Map.entry("Accept", "*/*"),
            Map.entry("Content-Length", "25"),
            Map.entry("Content-Type", "application/x-www-form-urlencoded")),
            "name=curl-signed&tags=a,b");

    /**
     * A GET with a query (an encoded {@code +} and {@code :}), signed by curl the same way. curl 7.88 signs the query
     * in the order given rather than sorted, as SigV4 (and API Gateway) want: these parameters are in sorted order.
     */
    private static final Captured CURL_GET = new Captured("GET", "/api/runs",
            "from=2026-11-27T09%3A00%3A00%2B01%3A00&limit=20&status=RUNNING", List.of(
            Map.entry("Host", "127.0.0.1:8159"),
            Map.entry("Authorization", "AWS4-HMAC-SHA256 Credential=lackey-local/20261129/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=host;x-amz-date, Signature=5782240123d295c2d032cb33406b02cc885fbcf9465787a696cc47e54400da75"),
            Map.entry("X-Amz-Date", "20261129T222244Z"),
            Map.entry("User-Agent", "curl/7.88.1"),
            Map.entry("Accept", "*/*")),
            "");

    /** {@code lackey --sign schedule sdk-signed -p lr=0.01 -t demo}: signed with the SDK, x-amz-content-sha256 included. */
    private static final Captured SDK_POST = new Captured("POST", "/api/run", null, List.of(
            Map.entry("Content-Length", "58"),
            Map.entry("Host", "127.0.0.1:8159"),
            Map.entry("User-Agent", "Java-http-client/25.0.3"),
            Map.entry("accept", "application/json"),
            Map.entry("Authorization", "AWS4-HMAC-SHA256 Credential=lackey-local/20261129/us-east-1/execute-api/aws4_request, "
                    + "SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, "
                    + "Signature=201a299649aa3048988f68b96792190c0ceba6a4316565721406467f1fb34638"),
            Map.entry("content-type", "application/json"),
            Map.entry("x-amz-content-sha256", "4ea00110115fa60b54b312cde5903b594a10b3e673bbf487cc9bd7045a93cda9"),
            Map.entry("X-Amz-Date", "20261129T222138Z")),
            "{\"name\":\"sdk-signed\",\"params\":{\"lr\":0.01},\"tags\":[\"demo\"]}");

    /** A captured request: method, path and query as sent, header lines in order, body. */
    private record Captured(String method, String path, String query, List<Map.Entry<String, String>> headers, String body) {

        Instant signedAt() {
            String date = headers.stream().filter(h -> h.getKey().equalsIgnoreCase("x-amz-date")).findFirst().orElseThrow().getValue();
            return Instant.parse(date.substring(0, 4) + "-" + date.substring(4, 6) + "-" + date.substring(6, 11) + ":"
                    + date.substring(11, 13) + ":" + date.substring(13));
        }

        Captured with(String name, String value) {
            List<Map.Entry<String, String>> changed = new ArrayList<>();
            boolean replaced = false;
            for (var header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    if (value != null) {
                        changed.add(Map.entry(header.getKey(), value));
                    }
                    replaced = true;
                } else {
                    changed.add(header);
                }
            }
            if (!replaced && value != null) {
                changed.add(Map.entry(name, value));
            }
            return new Captured(method, path, query, changed, body);
        }

        Captured withBody(String other) {
            return new Captured(method, path, query, headers, other);
        }

        Captured withPath(String other) {
            return new Captured(method, other, query, headers, body);
        }

        Captured withQuery(String other) {
            return new Captured(method, path, other, headers, body);
        }
    }

    private static IamAuthorizer localAt(Instant now) {
        return new IamAuthorizer(KEY, SECRET, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Optional<String> check(IamAuthorizer authorizer, Captured request) {
        return authorizer.refusal(request.method(), request.path(), request.query(), request.headers(),
                request.body().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsRequestsCurlSignedWithTheLocalCredentials() {
        for (Captured request : List.of(CURL_POST, CURL_GET)) {
            assertEquals(Optional.empty(), check(localAt(request.signedAt().plusSeconds(2)), request), request.path());
        }
    }

    @Test
    void acceptsARequestTheCliSignedWithTheSdk() {
        assertEquals(Optional.empty(), check(localAt(SDK_POST.signedAt()), SDK_POST));
    }

    @Test
    void acceptsAwsSignatureTestSuiteGetVanilla() {
        // from AWS's Signature Version 4 test suite: credentials AKIDEXAMPLE, service "service", 2015-08-30
        Captured vanilla = new Captured("GET", "/", null, List.of(
                Map.entry("Host", "example.amazonaws.com"),
                Map.entry("X-Amz-Date", "20150830T123600Z"),
                Map.entry("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")),
                "");
        IamAuthorizer suite = new IamAuthorizer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service",
                Clock.fixed(vanilla.signedAt(), ZoneOffset.UTC));
        assertEquals(Optional.empty(), check(suite, vanilla));
        assertTrue(check(suite, vanilla.withPath("/other")).isPresent(), "another path, same signature");
    }

    @Test
    void refusesAnUnsignedRequestAsApiGatewayDoes() {
        Optional<String> refusal = check(localAt(CURL_POST.signedAt()), CURL_POST.with("Authorization", null));
        assertEquals(Optional.of("Forbidden: this route needs a SigV4 signature (AWS_IAM)"), refusal);
    }

    @Test
    void refusesAnythingChangedAfterSigning() {
        IamAuthorizer authorizer = localAt(CURL_POST.signedAt());
        List<Captured> changed = List.of(
                CURL_POST.withBody("name=curl-signed&tags=a,c"),
                CURL_POST.withPath("/api/runs"),
                CURL_POST.withQuery("x=1"),
                CURL_POST.with("Host", "127.0.0.1:8160"),
                CURL_POST.with("X-Amz-Date", "20261129T222132Z"),
                SDK_POST.with("content-type", "application/x-www-form-urlencoded"));
        for (Captured request : changed) {
            Optional<String> refusal = check(localAt(request.signedAt()), request);
            assertEquals(Optional.of("The request signature we calculated does not match the signature you provided."
                    + " Check your AWS Secret Access Key and signing method."), refusal, request.toString());
        }
        assertTrue(check(localAt(CURL_GET.signedAt()), CURL_GET.withQuery("from=2026-11-27T09%3A00%3A00%2B01%3A00&limit=20&status=FAILED"))
                .isPresent(), "another query");
        assertEquals(Optional.empty(), check(authorizer, CURL_POST.with("User-Agent", "something else")), "an unsigned header may change");
    }

    @Test
    void refusesOtherCredentialsScopesAndTimes() {
        Instant at = CURL_POST.signedAt();
        String authorization = CURL_POST.headers().get(1).getValue();
        assertTrue(check(new IamAuthorizer(KEY, "another-secret", "us-east-1", Clock.fixed(at, ZoneOffset.UTC)), CURL_POST)
                .orElseThrow().startsWith("The request signature we calculated does not match"));
        assertTrue(check(localAt(at), CURL_POST.with("Authorization", authorization.replace("lackey-local/", "AKIAOTHER/")))
                .orElseThrow().startsWith("The security token included in the request is invalid"));
        assertTrue(check(new IamAuthorizer(KEY, SECRET, "eu-west-1", Clock.fixed(at, ZoneOffset.UTC)), CURL_POST)
                .orElseThrow().startsWith("Credential should be scoped to region 'eu-west-1'"));
        assertTrue(check(localAt(at), CURL_POST.with("Authorization", authorization.replace("/execute-api/", "/s3/")))
                .orElseThrow().contains("service 'execute-api'"));
        assertTrue(check(localAt(at), CURL_POST.with("Authorization", "Bearer abc")).orElseThrow().startsWith("Authorization header is not"));
        assertEquals(Optional.empty(), check(localAt(at.plus(Duration.ofMinutes(14))), CURL_POST), "within 15 minutes");
        assertTrue(check(localAt(at.plus(Duration.ofMinutes(16))), CURL_POST).orElseThrow().startsWith("Signature expired"));
        assertTrue(check(localAt(at.minus(Duration.ofMinutes(16))), CURL_POST).orElseThrow().startsWith("Signature expired"),
                "from the future");
    }
}
