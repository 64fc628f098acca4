package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lackey.emulators.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * Signing, proved against a local cloud in IAM mode, which checks SigV4 on every AWS_IAM route as API Gateway
 * does: unsigned calls are refused; the CLI signs with credentials from the environment, a profile or a stack
 * found through CloudFormation (moto_server); {@code curl --aws-sigv4} as the docs show it; and {@code lackey ui}
 * signs what the browser sends through it.
 */
class CliIamIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud(options -> options.withIam(true));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = S3ProxyServer.DEFAULT_ACCESS_KEY;
    private static final String SECRET = S3ProxyServer.DEFAULT_SECRET_KEY;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path scratch;

    private static LackeyCli lackey;
    private static String api;

    @BeforeAll
    static void cli() {
        api = LOCAL.cloud().apiUrl().toString();
        lackey = new LackeyCli(api, scratch);
    }

    private static Map<String, String> localCredentials() {
        return Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1");
    }

    @Test
    void anUnsignedOperatorCallIsAForbiddenJsonErrorWhileTheSimulationsCallsNeedNoSignature() throws Exception {
        var unsigned = LOCAL.call("GET", "/api/runs", null);
        assertEquals(403, unsigned.statusCode());
        assertEquals("{\"message\":\"Forbidden: this route needs a SigV4 signature (AWS_IAM)\"}", unsigned.body(),
                "API Gateway's own shape, as openapi.yaml's NotSigned has it");
        // a well-formed token of no run: a malformed one would be a 400 before the run is even looked for
        var start = LOCAL.call("PUT", "/api/run/start/999999", "token=99ee72e2-764d-42a9-b3a1-5c38d1647f28&ts=1369312595");
        assertEquals(404, start.statusCode(), "the token route is not AWS_IAM: " + start.body());

        LackeyCli.Result cli = lackey.run("ls");
        assertEquals(1, cli.exitCode());
        assertEquals("lackey: Forbidden: this route needs a SigV4 signature (AWS_IAM) (HTTP 403)\n"
                + "  this API wants SigV4-signed calls: give --sign (or --profile / --stack) with AWS credentials;"
                + " for `./lackey local --iam` run `. .lackey/local.env` first, which sets them\n", cli.err());
    }

    @Test
    void theCliSignsWithCredentialsFromTheEnvironmentAsLocalEnvSetsThem() throws Exception {
        Map<String, String> localEnv = LocalEnvFile.read(LOCAL.cloud().localEnvFile());
        assertEquals("always", localEnv.get("LACKEY_SIGN"), "IAM mode's local.env makes the CLI sign");
        LackeyCli.Result scheduled = lackey.run(localEnv, Duration.ofSeconds(60), "schedule", "signed-run", "-t", "iam");
        assertEquals(0, scheduled.exitCode(), scheduled.toString());
        LackeyCli.Result listed = lackey.run(localEnv, Duration.ofSeconds(60), "ls", "--tag", "iam", "--json");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertEquals("signed-run", JSON.readTree(listed.out()).get(0).get("name").asText());

        Map<String, String> wrongSecret = new java.util.HashMap<>(localEnv);
        wrongSecret.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        LackeyCli.Result refused = lackey.run(wrongSecret, Duration.ofSeconds(60), "ls");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().startsWith("lackey: The request signature we calculated does not match the signature you provided."),
                refused.err());
        assertTrue(refused.err().contains("the API refused the signature: check the credentials"), refused.err());
    }

    @Test
    void theCliSignsWithANamedProfileAndSaysWhatToDoWhenItsSsoLoginIsMissing() throws Exception {
        Path config = Files.writeString(scratch.resolve("aws-config"), """
                [profile local]
                region = us-east-1
                [profile sso-user]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = Developer
                region = us-east-1
                [sso-session corp]
                sso_start_url = https://corp.awsapps.example/start
                sso_region = us-east-1
                """);
        Path credentials = Files.writeString(scratch.resolve("aws-credentials"), "[local]\naws_access_key_id = " + KEY
                + "\naws_secret_access_key = " + SECRET + "\n");
        Map<String, String> files = Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        LackeyCli.Result profile = lackey.run(files, Duration.ofSeconds(60), "--profile", "local", "ls", "--limit", "1");
        assertEquals(0, profile.exitCode(), profile.toString());

        LackeyCli.Result sso = lackey.run(files, Duration.ofSeconds(60), "ls", "--profile", "sso-user");
        assertEquals(4, sso.exitCode(), sso.toString());
        assertEquals("lackey: the SSO session of profile sso-user has expired or was never started\n"
                + "  run `aws sso login --profile sso-user`, then try again\n", sso.err(), "the SSO modules are there and say so");
    }

    @Test
    void curlSignsAsTheDocsShow() throws Exception {
        RequiredTool.require("curl", "apt-get install curl");
        Process curl = new ProcessBuilder("curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", KEY + ":" + SECRET,
                "-X", "POST", "-d", "name=curl-signed", api + "/api/run").start();
        String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor());
        assertEquals("curl-signed", JSON.readTree(body).get("name").asText(), body);
    }

    @Test
    void aStackIsFoundThroughCloudFormationAndItsCallsAreSigned() throws Exception {
        RequiredTool.require("moto_server", "pip install 'moto[server]'");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(scratch.resolve("moto.log").toFile()).start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            try (CloudFormationClient cloudFormation = CloudFormationClient.builder().endpointOverride(endpoint)
                    .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                    .build()) {
                awaitMoto(cloudFormation);
                cloudFormation.createStack(create -> create.stackName("lackey-test").templateBody("""
                        {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                         "Outputs": {"ApiUrl": {"Value": "%s"}}}""".formatted(api)));
            }
            Map<String, String> env = new java.util.HashMap<>(localCredentials());
            env.put("AWS_ENDPOINT_URL_CLOUDFORMATION", endpoint.toString());
            env.put("LACKEY_API", "http://127.0.0.1:1"); // --stack wins
            LackeyCli.Result listed = lackey.run(env, Duration.ofSeconds(60), "--stack", "lackey-test", "ls", "--limit", "1");
            assertEquals(0, listed.exitCode(), "found through DescribeStacks and signed: " + listed);

            LackeyCli.Result missing = lackey.run(env, Duration.ofSeconds(60), "--stack", "no-such-stack", "ls");
            assertEquals(new LackeyCli.Result(4, "", "lackey: there is no stack no-such-stack in us-east-1\n"
                    + "  check --stack, --region and --profile (`aws cloudformation list-stacks`)\n"), missing);
        } finally {
            moto.destroy();
            moto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitMoto(CloudFormationClient cloudFormation) throws InterruptedException {
        for (int i = 0; ; i++) {
            try {
                cloudFormation.listStacks();
                return;
            } catch (RuntimeException notYet) {
                if (i > 150) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void uiServesTheDashboardAndSignsItsApiCallsForItsOwnPagesOnly() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TestClassPath.get(), "lackey.cli.Lackey", "ui", "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(scratch.resolve("ui.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LACKEY_") || name.startsWith("AWS_"));
        builder.environment().putAll(lackey.environment());
        builder.environment().putAll(localCredentials());
        builder.environment().put("LACKEY_SIGN", "always");
        Process ui = builder.start();
        try {
            String banner = new BufferedReader(new InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(banner != null && banner.matches("lackey ui: http://127\\.0\\.0\\.1:\\d+/  \\(API " + api + ", calls signed with SigV4\\); Ctrl-C stops it"),
                    banner);
            String url = banner.substring("lackey ui: ".length(), banner.indexOf("/  ("));

            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
            assertTrue(page.body().contains("<title>lackey dashboard</title>"), "the dashboard's own page: " + page.body());
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(url + "/runs/7")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "a route of the single-page app is the page");

            HttpResponse<String> runs = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/runs?limit=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, runs.statusCode(), "signed on the way through: " + runs.body());
            assertTrue(JSON.readTree(runs.body()).has("runs"));

            HttpResponse<String> scheduled = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/run"))
                    .header("content-type", "application/json").header("Origin", url)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"from-the-ui\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, scheduled.statusCode(), scheduled.body());
            assertEquals("from-the-ui", JSON.readTree(scheduled.body()).get("name").asText());

            HttpResponse<String> crossSite = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/run"))
                    .header("content-type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("name=csrf")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, crossSite.statusCode(), "another site's page cannot use the user's credentials");

            assertTrue(rawGet(URI.create(url), "rebound.example:" + URI.create(url).getPort()).startsWith("HTTP/1.1 403"),
                    "a request for another host name (DNS rebinding) is refused");
        } finally {
            ui.destroy();
            ui.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // A GET with a Host header of the caller's choosing, which java.net.http does not allow.
    private static String rawGet(URI server, String host) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/runs HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
