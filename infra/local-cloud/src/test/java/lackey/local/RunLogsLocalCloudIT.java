package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs and notifications in the local cloud, over HTTP with the README's curl calls: the log route
 * redirects to a presigned S3Proxy URL that curl -L follows, a log goes up through a presigned PUT and the
 * stop refers to it, and stops and losses reach the notification topic as "[sns]" lines.
 */
class RunLogsLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path home;
    @TempDir
    static Path files;

    private static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();
    private static LocalCloud cloud;

    @BeforeAll
    static void startLocalCloud() {
        // What the local cloud prints goes to the test's output as usual, and is kept to look for [sns] lines.
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
                synchronized (OUTPUT) {
                    OUTPUT.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                System.out.write(bytes, offset, length);
                synchronized (OUTPUT) {
                    OUTPUT.write(bytes, offset, length);
                }
            }
        };
        cloud = LocalCloud.start(LocalCloudIT.options(home).withLog(new PrintStream(both, true, StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stopLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    record Run(long id, String token) {
    }

    private static Run running(String form) throws Exception {
        JsonNode scheduled = JSON.readTree(call("POST", "/api/run", form).body());
        var run = new Run(scheduled.path("id").asLong(), scheduled.path("token").asText());
        var started = call("PUT", "/api/run/start/" + run.id(), "token=" + run.token() + "&ts=" + now());
        assertEquals(200, started.statusCode(), started.body());
        return run;
    }

    // ---- GET /api/run/{id}/log

    @Test
    void logRouteRedirectsToS3ProxyAndCurlFollowsIt() throws Exception {
        var run = running("name=logged");
        var stopped = call("PUT", "/api/run/stop/" + run.id(), "token=" + run.token() + "&ts=" + now() + "&log=asdf%20123");
        assertEquals(200, stopped.statusCode(), stopped.body());

        var redirect = call("GET", "/api/run/" + run.id() + "/log", null);
        assertEquals(302, redirect.statusCode(), redirect.body());
        String location = redirect.headers().firstValue("location").orElseThrow();
        assertTrue(location.startsWith(cloud.s3Endpoint() + "/" + cloud.environment().get("LACKEY_BUCKET") + "/logs/" + run.id() + "/"),
                location);
        assertEquals("asdf 123", curl("curl -s -f -L " + cloud.apiUrl() + "/api/run/" + run.id() + "/log"));

        var none = call("GET", "/api/run/" + running("name=no-log").id() + "/log", null);
        assertEquals(404, none.statusCode(), none.body());
        assertEquals("log_not_found", JSON.readTree(none.body()).path("error").asText());
    }

    // ---- a log too large for the stop call

    @Test
    void logGoesUpThroughAPresignedPutAndTheStopRefersToIt() throws Exception {
        var run = running("name=big-log");
        Path log = files.resolve("run.log");
        Files.writeString(log, "line of a long simulation log\n".repeat(40_000));
        long size = Files.size(log);

        JsonNode upload = JSON.readTree(curl("curl -s -f -X POST -d token=" + run.token() + " "
                + cloud.apiUrl() + "/api/run/log-upload/" + run.id()));
        String reference = upload.path("logUpload").asText();
        curl("curl -s -f -X PUT -T " + log + " '" + upload.path("url").asText() + "'");
        JsonNode stopped = JSON.readTree(curl("curl -s -f -X PUT -d \"token=" + run.token() + "&ts=" + now()
                + "&exit=0&logUpload=" + reference + "\" " + cloud.apiUrl() + "/api/run/stop/" + run.id()));

        assertEquals("FINISHED", stopped.path("status").asText());
        assertEquals(size, stopped.path("log").path("bytes").asLong());
        assertTrue(Files.isRegularFile(cloud.home().resolve("s3").resolve(cloud.environment().get("LACKEY_BUCKET")).resolve(reference)),
                "the upload is a file in the bucket's folder: " + reference);
        assertEquals(Files.readString(log), curl("curl -s -f -L " + cloud.apiUrl() + "/api/run/" + run.id() + "/log"));

        var other = running("name=other");
        var refused = call("PUT", "/api/run/stop/" + other.id(), "token=" + other.token() + "&ts=" + now() + "&logUpload=" + reference);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_input", JSON.readTree(refused.body()).path("error").asText());
    }

    // ---- notifications

    @Test
    void stopsAndLossesReachTheNotificationTopic() throws Exception {
        var failed = running("name=notify-fail");
        long started = now();
        var stopped = call("PUT", "/api/run/stop/" + failed.id(), "token=" + failed.token() + "&ts=" + (started + 5) + "&exit=2");
        assertEquals(200, stopped.statusCode(), stopped.body());
        long duration = JSON.readTree(stopped.body()).path("duration").asLong();
        LocalTopics.Message told = awaitMessage("\"lackey run " + failed.id() + " (notify-fail) is FAILED after " + duration + " s\"");
        assertTrue(told.topic().endsWith("run-notifications"), told.topic());
        assertTrue(told.topicArn().startsWith("arn:aws:sns:"), told.topicArn());

        var silent = running("name=notify-lost&heartbeatTimeout=1");
        Thread.sleep(2_100);
        Path scheduledEvent = ProjectLayout.find().root().resolve("events/scheduled-rule.json");
        JsonNode swept = JSON.readTree(cloud.invoke("SweepRunsFunction", Files.readAllBytes(scheduledEvent)));
        assertTrue(swept.path("lost").toString().contains(Long.toString(silent.id())), swept.toString());
        awaitMessage("\"lackey run " + silent.id() + " (notify-lost) is LOST: no heartbeat for 1 s\"");

        String printed;
        synchronized (OUTPUT) {
            printed = OUTPUT.toString(StandardCharsets.UTF_8);
        }
        assertTrue(printed.contains("[sns] " + told.topic() + ": " + told.message()), "no [sns] line in the output");
    }

    private static LocalTopics.Message awaitMessage(String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (LocalTopics.Message published : cloud.snsMessages()) {
                if (published.message().equals(message)) {
                    return published;
                }
            }
            Thread.sleep(50);
        }
        return fail("no SNS message " + message + " in " + cloud.snsMessages().stream().map(LocalTopics.Message::message).toList());
    }

    // ---- helpers

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static HttpResponse<String> call(String method, String path, String form) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path))
                .header("content-type", "application/x-www-form-urlencoded")
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form))
                .build();
        return ApiAnswers.checked(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Runs a curl command line with the real curl, through sh as a user's shell would; its output. */
    private static String curl(String commandLine) throws Exception {
        return Curl.run(commandLine, cloud.apiUrl()).stdout();
    }
}
