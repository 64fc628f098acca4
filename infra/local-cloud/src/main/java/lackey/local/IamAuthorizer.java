package lackey.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * The local stand-in for HTTP API's AWS_IAM authorizer ({@code ./lackey local --iam}): a call to a route
 * template.yaml marks AWS_IAM passes only when it carries a SigV4 signature (service {@code execute-api}, the local
 * region) made with the local credentials, the ones local.env exports. The signature is not parsed apart and
 * trusted: the request is signed again with the SDK's own signer, from the headers the caller signed and the body
 * it sent, at the time it gives, and the two signatures are compared in constant time.
 */
final class IamAuthorizer {

    /** How far a request's time may be from the server's, as SigV4 allows. */
    static final Duration ALLOWED_SKEW = Duration.ofMinutes(15);
    static final String SERVICE = "execute-api";

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([a-z0-9;_.-]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final String service;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    /** Deprecated for clients in favour of {@link AwsV4HttpSigner}, which cannot leave x-amz-content-sha256 out. */
    @SuppressWarnings("deprecation")
    private static final Aws4Signer LEGACY = Aws4Signer.create();

    IamAuthorizer(String accessKeyId, String secretAccessKey, String region, Clock clock) {
        this(accessKeyId, secretAccessKey, region, SERVICE, clock);
    }

    /** For another service's signatures, such as the test vectors AWS publishes (service {@code service}). */
    IamAuthorizer(String accessKeyId, String secretAccessKey, String region, String service, Clock clock) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
        this.service = service;
        this.clock = clock;
    }

    /**
     * Why the request may not pass, as API Gateway words it, or empty when its signature is good.
     *
     * @param headers the request's header lines as received (names in any case)
     */
    Optional<String> refusal(String method, String rawPath, String rawQuery, List<Map.Entry<String, String>> headers, byte[] body) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            byName.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + "," + b);
        }
        String authorization = byName.get("authorization");
        if (authorization == null) {
            return Optional.of("Forbidden: this route needs a SigV4 signature (AWS_IAM)");
        }
        Matcher parts = AUTHORIZATION.matcher(authorization.strip());
        if (!parts.matches()) {
            return Optional.of("Authorization header is not a SigV4 signature (AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…)");
        }
        if (!parts.group(1).equals(accessKeyId)) {
            return Optional.of("The security token included in the request is invalid: sign with the local credentials (.lackey/local.env)");
        }
        if (!parts.group(3).equals(region) || !parts.group(4).equals(service)) {
            return Optional.of("Credential should be scoped to region '" + region + "' and service '" + service + "', not '"
                    + parts.group(3) + "' and '" + parts.group(4) + "'");
        }
        List<String> signedHeaders = List.of(parts.group(5).split(";"));
        if (!signedHeaders.contains("host")) {
            return Optional.of("the signature must cover the host header");
        }
        String date = byName.get("x-amz-date");
        if (date == null || !signedHeaders.contains("x-amz-date")) {
            return Optional.of("the signature must cover an x-amz-date header");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(date.strip()));
        } catch (DateTimeParseException e) {
            return Optional.of("x-amz-date is not a time in the form 20260527T120000Z: " + date);
        }
        if (!date.startsWith(parts.group(2))) {
            return Optional.of("the credential's date " + parts.group(2) + " is not the day of x-amz-date " + date);
        }
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(ALLOWED_SKEW) > 0) {
            return Optional.of("Signature expired: " + date + " is more than 15 minutes from the server's time "
                    + AMZ_DATE.format(now));
        }
        for (String name : signedHeaders) {
            if (!byName.containsKey(name)) {
                return Optional.of("the signed header " + name + " is not in the request");
            }
        }
        String expected = signature(method, rawPath, rawQuery, byName, signedHeaders, body, signedAt);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), parts.group(6).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("The request signature we calculated does not match the signature you provided."
                    + " Check your AWS Secret Access Key and signing method.");
        }
        return Optional.empty();
    }

    // The request as the caller signed it (only its signed headers), signed again by the SDK at the caller's time.
    private String signature(String method, String rawPath, String rawQuery, Map<String, String> headers,
                             List<String> signedHeaders, byte[] body, Instant signedAt) {
        String host = headers.get("host");
        int colon = host.lastIndexOf(':');
        boolean port = colon > 0 && !host.endsWith("]");
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol("https")
                .host(port ? host.substring(0, colon) : host)
                .encodedPath(rawPath);
        if (port) {
            request.port(Integer.parseInt(host.substring(colon + 1)));
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    request.appendRawQueryParameter(decode(equals < 0 ? pair : pair.substring(0, equals)),
                            equals < 0 ? "" : decode(pair.substring(equals + 1)));
                }
            }
        }
        for (String name : signedHeaders) {
            if (!name.equals("host")) {
                request.putHeader(name, headers.get(name));
            }
        }
        String token = signedHeaders.contains("x-amz-security-token") ? headers.get("x-amz-security-token") : null;
        Clock at = Clock.fixed(signedAt, ZoneOffset.UTC);
        String authorization;
        if (signedHeaders.contains("x-amz-content-sha256")) {
            // what the SDK's signer (the CLI's, AwsV4HttpSigner) makes: it always signs the payload's hash header
            AwsCredentialsIdentity identity = token == null ? AwsCredentialsIdentity.create(accessKeyId, secretAccessKey)
                    : AwsSessionCredentialsIdentity.create(accessKeyId, secretAccessKey, token);
            var signed = signer.sign(sign -> sign.identity(identity)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, at));
            authorization = signed.request().firstMatchingHeader("Authorization").orElse("");
        } else {
            // a signature without that header (curl --aws-sigv4, botocore): the SDK's signer of the same algorithm
            // that does not add it, for services other than S3
            AwsCredentials credentials = token == null ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                    : AwsSessionCredentials.create(accessKeyId, secretAccessKey, token);
            SdkHttpFullRequest signed = LEGACY.sign(request.contentStreamProvider(ContentStreamProvider.fromByteArray(body)).build(),
                    Aws4SignerParams.builder().awsCredentials(credentials).signingName(service).signingRegion(Region.of(region))
                            .signingClockOverride(at).build());
            authorization = signed.firstMatchingHeader("Authorization").orElse("");
        }
        int signature = authorization.indexOf("Signature=");
        return signature < 0 ? "" : authorization.substring(signature + "Signature=".length()).strip();
    }

    /** A refusal as API Gateway answers it: 403 with {@code {"message": …}} (its own shape, not lackey's errors). */
    static HttpApiEvents.Response forbidden(String message) {
        var body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("message", message);
        return new HttpApiEvents.Response(403, Map.of("Content-Type", List.of("application/json")),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
