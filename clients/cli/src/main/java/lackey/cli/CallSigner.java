package lackey.cli;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Signs an API call with SigV4 for API Gateway's IAM authorization (service {@code execute-api}), with the SDK's
 * own signer and the user's credentials, as the AWS CLI would. The call is then sent to the URI the signer
 * saw, with the headers it added, so what was signed is exactly what goes out.
 */
final class CallSigner {

    static final String SERVICE = "execute-api";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsAccess aws;
    private final String region;

    CallSigner(AwsAccess aws, String region) {
        this.aws = aws;
        this.region = region;
    }

    /** A signed call: where to send it and every header to send (Host excepted: the HTTP client sets the same). */
    record Signed(URI uri, Map<String, List<String>> headers) {
    }

    Signed sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol(uri.getScheme())
                .host(uri.getHost())
                .encodedPath(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getPort() != -1) {
            request.port(uri.getPort());
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                request.appendRawQueryParameter(decode(equals < 0 ? pair : pair.substring(0, equals)),
                        equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        headers.forEach(request::putHeader);
        var signed = signer.sign(sign -> sign.identity(aws.identity())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        return new Signed(signed.request().getUri(), signed.request().headers());
    }

    String region() {
        return region;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
