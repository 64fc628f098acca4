package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

class S3ProxyServerIT {

    @TempDir
    static Path baseDir;

    private static S3ProxyServer server;
    private static S3Client s3;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start(baseDir.resolve("blobs"), 0);
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials(server.accessKey(), server.secretKey()))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .build();
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void storesObjectsAsFilesUnderTheBaseFolder() throws Exception {
        s3.createBucket(r -> r.bucket("runs"));
        s3.putObject(r -> r.bucket("runs").key("logs/1/1.log"), RequestBody.fromString("asdf 123"));

        String read = s3.getObjectAsBytes(r -> r.bucket("runs").key("logs/1/1.log")).asUtf8String();
        assertEquals("asdf 123", read);
        Path onDisk = server.baseDir().resolve("runs").resolve("logs").resolve("1").resolve("1.log");
        assertEquals("asdf 123", Files.readString(onDisk), "the filesystem backend keeps objects as plain files");
    }

    @Test
    void refusesRequestsSignedWithAnotherSecret() {
        try (S3Client stranger = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials(server.accessKey(), "not-the-secret"))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .build()) {
            S3Exception refused = assertThrows(S3Exception.class, () -> stranger.listBuckets());
            assertEquals(403, refused.statusCode());
        }
    }

    @Test
    void servesAPresignedGetAndRefusesItWithATamperedSignature() throws Exception {
        s3.createBucket(r -> r.bucket("exchange"));
        s3.putObject(r -> r.bucket("exchange").key("exchange/1/input.txt"), RequestBody.fromString("input data"));
        URI presigned;
        try (S3Presigner presigner = S3Presigner.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials(server.accessKey(), server.secretKey()))
                .endpointOverride(server.endpoint())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build()) {
            presigned = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("exchange").key("exchange/1/input.txt"))).url().toURI();
        }
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(presigned).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("input data", ok.body());

        URI tampered = URI.create(tamperSignature(presigned.toString()));
        assertNotEquals(presigned, tampered);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(tampered).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(403, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("input data"));
    }

    @Test
    void refusesAPortThatIsTakenNamingIt(@TempDir Path otherDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, EmulatorProcess.LOOPBACK)) {
            int port = taken.getLocalPort();
            PortInUseException e = assertThrows(PortInUseException.class, () -> S3ProxyServer.start(otherDir, port));
            assertTrue(e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
        }
    }

    // Flips the last hex digit of X-Amz-Signature: the URL stays well-formed, the signature wrong.
    private static String tamperSignature(String url) {
        Matcher signature = Pattern.compile("X-Amz-Signature=([0-9a-f]+)").matcher(url);
        assertTrue(signature.find(), "a SigV4 presigned URL carries X-Amz-Signature: " + url);
        String value = signature.group(1);
        char last = value.charAt(value.length() - 1);
        String changed = value.substring(0, value.length() - 1) + (last == '0' ? '1' : '0');
        return url.substring(0, signature.start(1)) + changed + url.substring(signature.end(1));
    }

    private static StaticCredentialsProvider credentials(String accessKey, String secretKey) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    @Test
    void answersCrossOriginGetsOfPresignedUrlsAsItsCorsRulesAllow() throws Exception {
        try (S3ProxyServer withCors = S3ProxyServer.start(ProjectLayout.find(), baseDir.resolve("cors"), 0,
                S3ProxyServer.DEFAULT_ACCESS_KEY, S3ProxyServer.DEFAULT_SECRET_KEY,
                List.of(new S3ProxyServer.CorsRule(List.of("http://127.0.0.1:*"), List.of("GET", "HEAD"), List.of("range"))));
             S3Client client = S3Client.builder().region(Region.US_EAST_1)
                     .credentialsProvider(credentials(withCors.accessKey(), withCors.secretKey()))
                     .httpClient(UrlConnectionHttpClient.create()).endpointOverride(withCors.endpoint()).forcePathStyle(true).build();
             S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1)
                     .credentialsProvider(credentials(withCors.accessKey(), withCors.secretKey())).endpointOverride(withCors.endpoint())
                     .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
            client.createBucket(r -> r.bucket("runs"));
            client.putObject(r -> r.bucket("runs").key("logs/1/1.log"), RequestBody.fromString("asdf 123"));
            URI url = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("runs").key("logs/1/1.log"))).url().toURI();
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).header("Origin", "http://127.0.0.1:8000").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            assertEquals("asdf 123", page.body());
            assertEquals("http://127.0.0.1:8000", page.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                    "a page on 127.0.0.1 may read the answer");

            HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(url).header("Origin", "https://example.com").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(stranger.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                    "an origin the rule does not name gets no CORS header");
        }
    }
}
