package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local cloud end to end, as a user meets it: the seed's own curl calls, a dispatched run that
 * reports by itself, the table and bucket seen through local.env, and data that survives a restart.
 */
class LocalCloudIT {

    /** The seed README's calls, byte for byte; only token, id and port are substituted. */
    private static final String SEED_START = "curl -i -H \"Accept: application/json\" -X PUT -d "
            + "\"token=99ee72e2-764d-42a9-b3a1-5c38d1647f28&ts=1369312595\" http://localhost:8000/api/run/start/1";
    private static final String SEED_STOP = "curl -i -H \"Accept: application/json\" -X PUT -d "
            + "\"token=99ee72e2-764d-42a9-b3a1-5c38d1647f28&ts=1369322595&log=asdf%20123\" http://localhost:8000/api/run/stop/1";
    private static final String SEED_TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path home;

    private static LocalCloud cloud;

    static LocalCloud.Options options(Path dataHome) {
        Path root = ProjectLayout.find().root();
        return new LocalCloud.Options(root, dataHome, root, 0, 0, 0, 0, TestClassPath.get(), System.out);
    }

    @BeforeAll
    static void startLocalCloud() {
        cloud = LocalCloud.start(options(home));
    }

    @AfterAll
    static void stopLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    // ---- the seed's calls ----

    @Test
    void seedCurlCallsStartAndStopARunAndTheLogLandsInTheBucket() throws Exception {
        CurlResult scheduled = curl("curl -s -i -X POST -d \"name=seed\" " + cloud.apiUrl() + "/api/run");
        assertEquals(201, scheduled.status(), scheduled.text());
        long id = scheduled.json().path("id").asLong();
        String token = scheduled.json().path("token").asText();
        assertTrue(id > 0);
        assertFalse(token.isBlank());

        CurlResult started = curl(seed(SEED_START, id, token));
        assertEquals(200, started.status(), started.text());
        assertEquals("RUNNING", started.json().path("status").asText());
        assertEquals(1369312595L, started.json().path("started").asLong());

        CurlResult stopped = curl(seed(SEED_STOP, id, token));
        assertEquals(200, stopped.status(), stopped.text());
        assertEquals("FINISHED", stopped.json().path("status").asText());
        assertFalse(stopped.text().contains(token), "the token is never echoed");

        try (DynamoDbClient dynamoDb = dynamoDb(cloud.environment()); S3Client s3 = s3(cloud.environment())) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(cloud.environment().get("LACKEY_TABLE"))
                    .key(Map.of("id", AttributeValue.fromN(Long.toString(id))))).item();
            assertEquals("FINISHED", item.get("status").s());
            assertEquals(sha256Hex(token), item.get("tokenHash").s(), "the token is stored as its SHA-256");
            item.forEach((name, value) -> assertFalse(String.valueOf(value).contains(token), "token in clear in " + name));

            String bucket = cloud.environment().get("LACKEY_BUCKET");
            List<S3Object> logs = s3.listObjectsV2(b -> b.bucket(bucket).prefix("logs/" + id + "/")).contents();
            assertEquals(1, logs.size(), logs.toString());
            ResponseBytes<GetObjectResponse> log = s3.getObjectAsBytes(b -> b.bucket(bucket).key(logs.getFirst().key()));
            assertEquals("asdf 123", log.asUtf8String());
            assertTrue(Files.isRegularFile(cloud.home().resolve("s3").resolve(bucket).resolve(logs.getFirst().key())),
                    "the bucket is a folder on disk");
        }
    }

    private String seed(String line, long id, String token) {
        String port = Integer.toString(cloud.apiUrl().getPort());
        String withIdAndPort = line.replace("http://localhost:8000/", "http://localhost:" + port + "/")
                .replaceFirst("/1$", "/" + id);
        return withIdAndPort.replace(SEED_TOKEN, token);
    }

    // ---- a dispatched run ----

    @Test
    void dispatchedRunReportsStartAndStopByItself() throws Exception {
        CurlResult scheduled = curl("curl -s -i -X POST -d \"name=hello&command=sh infra/simulations/hello.sh\" "
                + cloud.apiUrl() + "/api/run");
        assertEquals(201, scheduled.status(), scheduled.text());
        long id = scheduled.json().path("id").asLong();

        JsonNode run = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(get("/api/run/" + id).body());
            if (run.path("status").asText().equals("FINISHED") || run.path("status").asText().equals("FAILED")) {
                break;
            }
            Thread.sleep(200);
        }
        assertNotNull(run);
        assertEquals("FINISHED", run.path("status").asText(), run.toString() + "\n" + runOutput(id));
        assertTrue(Files.exists(cloud.home().resolve("runs").resolve(id + ".out")));
        try (S3Client s3 = s3(cloud.environment())) {
            String bucket = cloud.environment().get("LACKEY_BUCKET");
            String key = s3.listObjectsV2(b -> b.bucket(bucket).prefix("logs/" + id + "/")).contents().getFirst().key();
            String log = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            assertTrue(log.contains("hello from run " + id), log);
            assertTrue(log.matches("(?s).*task: arn:aws:ecs:us-east-1:000000000000:task/lackey-simulation/[0-9a-f]{32}\n.*"),
                    "hello.sh read its task ARN from ECS_CONTAINER_METADATA_URI_V4/task:\n" + log);
        }
    }

    private String runOutput(long id) {
        try {
            return Files.readString(cloud.home().resolve("runs").resolve(id + ".out"));
        } catch (IOException e) {
            return "(no output file: " + e.getMessage() + ")";
        }
    }

    // ---- API Gateway behaviour ----

    @Test
    void unknownRouteIsA404JsonError() throws Exception {
        HttpResponse<String> response = unchecked("/api/nothing/here");
        assertEquals(404, response.statusCode());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("not_found", error.path("error").asText());
        assertTrue(error.path("message").asText().contains("/api/nothing/here"));
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());
    }

    @Test
    void bodyOverTenMegabytesIsRefusedWith413BeforeAnyFunctionRuns() throws Exception {
        byte[] body = new byte[HttpApiEvents.MAX_BODY_BYTES + 1];
        HttpResponse<String> response = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(cloud.apiUrl().resolve("/api/run"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertEquals(413, response.statusCode());
        assertEquals("too_large", JSON.readTree(response.body()).path("error").asText());
    }

    // ---- local.env ----

    @Test
    void localEnvIsSourceableAndPointsAnSdkClientAtTheTable() throws Exception {
        Path file = cloud.localEnvFile();
        Map<String, String> env = LocalEnvFile.read(file);
        for (String name : List.of("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_EVENTBRIDGE",
                "AWS_ENDPOINT_URL_ECS", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LACKEY_TABLE", "LACKEY_BUCKET", "LACKEY_BUS",
                "LACKEY_API")) {
            assertTrue(env.containsKey(name), name + " missing from local.env");
        }
        Process sh = new ProcessBuilder("sh", "-c", ". \"$1\" && printf '%s %s' \"$LACKEY_TABLE\" \"$AWS_ENDPOINT_URL_DYNAMODB\"",
                "sh", file.toString()).redirectErrorStream(true).start();
        String sourced = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, sh.waitFor());
        assertEquals(env.get("LACKEY_TABLE") + " " + env.get("AWS_ENDPOINT_URL_DYNAMODB"), sourced);

        long id = JSON.readTree(curl("curl -s -i -X POST -d \"name=env\" " + env.get("LACKEY_API") + "/api/run").body()).path("id").asLong();
        try (DynamoDbClient dynamoDb = dynamoDb(env)) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(env.get("LACKEY_TABLE"))
                    .key(Map.of("id", AttributeValue.fromN(Long.toString(id))))).item();
            assertEquals("env", item.get("name").s());
            assertEquals("SCHEDULED", item.get("status").s());
        }
    }

    // ---- lifecycle ----

    @Test
    void restartWithTheSameHomeKeepsRunsAndCloseStopsEveryProcess(@TempDir Path ownHome) throws Exception {
        long id;
        List<ProcessHandle> hosts;
        try (LocalCloud first = LocalCloud.start(options(ownHome))) {
            HttpResponse<String> created = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(first.apiUrl().resolve("/api/run"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=survivor")).build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(201, created.statusCode(), created.body());
            id = JSON.readTree(created.body()).path("id").asLong();
            hosts = first.functionHosts();
            assertFalse(hosts.isEmpty());
        }
        hosts.forEach(host -> assertFalse(host.isAlive(), "function host " + host.pid() + " still running after close"));

        try (LocalCloud second = LocalCloud.start(options(ownHome))) {
            HttpResponse<String> again = ApiAnswers.checked(HTTP.send(HttpRequest.newBuilder(second.apiUrl().resolve("/api/run/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertEquals(200, again.statusCode(), again.body());
            assertEquals("survivor", JSON.readTree(again.body()).path("name").asText());
        }
    }

    @Test
    void takenPortFailsFastNamingThePortAndTheSetting(@TempDir Path ownHome) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            LocalCloud.Options options = options(ownHome);
            LocalCloud.Options onTakenPort = new LocalCloud.Options(options.projectRoot(), ownHome, options.workDir(),
                    port, 0, 0, 0, options.functionClassPath(), new PrintStream(PrintStream.nullOutputStream()));
            PortInUse error = assertThrows(PortInUse.class, () -> LocalCloud.start(onTakenPort));
            assertEquals(port, error.port());
            assertTrue(error.getMessage().contains("port " + port) && error.getMessage().contains("LACKEY_PORT"),
                    error.getMessage());
        }
    }

    // ---- helpers ----

    private record CurlResult(int status, String text, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** Runs a curl command line with the real curl binary, through sh as a user's shell would; checks the answer. */
    private static CurlResult curl(String commandLine) throws Exception {
        String text = Curl.run(commandLine, cloud.apiUrl()).stdout();
        int headerEnd = text.indexOf("\r\n\r\n");
        String statusLine = text.substring(0, text.indexOf("\r\n"));
        return new CurlResult(Integer.parseInt(statusLine.split(" ")[1]), text, headerEnd < 0 ? "" : text.substring(headerEnd + 4));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return ApiAnswers.checked(unchecked(path));
    }

    /** A GET whose answer is not the API's: API Gateway's own, for a path that is no route of openapi.yaml. */
    private static HttpResponse<String> unchecked(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(cloud.apiUrl().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static DynamoDbClient dynamoDb(Map<String, String> env) {
        return DynamoDbClient.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")))
                .region(Region.of(env.get("AWS_REGION"))).credentialsProvider(credentials(env))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static S3Client s3(Map<String, String> env) {
        return S3Client.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_S3")))
                .region(Region.of(env.get("AWS_REGION"))).credentialsProvider(credentials(env)).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials(Map<String, String> env) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"),
                env.get("AWS_SECRET_ACCESS_KEY")));
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
