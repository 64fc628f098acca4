package lackey.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Data kept exactly, end to end through the local cloud's HTTP API: a log of every byte value and a 5 MB binary
 * log, sent in form bodies as curl sends them (percent-encoded) and raw, are the bytes S3 stores and the bytes
 * the log's link serves; exchange files of every byte value and of random bytes go up through their upload link,
 * through a real simulation ({@code copy.sh} copies its input to its output with {@code cp}) and come back
 * through the listing's links byte for byte.
 */
class ExactDataLocalCloudIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private record Run(long id, String token) {
    }

    private static Run running() throws Exception {
        JsonNode scheduled = JSON.readTree(LOCAL.call("POST", "/api/run", "name=exact-data").body());
        var run = new Run(scheduled.path("id").asLong(), scheduled.path("token").asText());
        var started = LOCAL.call("PUT", "/api/run/start/" + run.id(), "token=" + run.token() + "&ts=" + now());
        assertEquals(200, started.statusCode(), started.body());
        return run;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A stop whose form body carries the log's bytes as {@code logValue} encodes them, sent over HTTP as bytes. */
    private static HttpResponse<String> stop(Run run, byte[] logValue) throws Exception {
        var body = new ByteArrayOutputStream();
        body.writeBytes(("token=" + run.token() + "&ts=" + now() + "&exit=0&log=").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(logValue);
        return HTTP.send(HttpRequest.newBuilder(URI.create(LOCAL.cloud().apiUrl() + "/api/run/stop/" + run.id()))
                .header("content-type", "application/x-www-form-urlencoded").header("accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return text.toString();
    }

    /** The bytes raw, but for the three a form value cannot hold raw. */
    private static byte[] rawFormValue(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b == '&' || b == '%' || b == '+') {
                out.writeBytes(("%" + HexFormat.of().withUpperCase().toHexDigits(b)).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** The stop's answer, the object on disk (S3Proxy's folder) and what the log's link serves are all the log sent. */
    private static void assertKeptExactly(Run run, HttpResponse<String> stopped, byte[] log, String servedType) throws Exception {
        assertEquals(200, stopped.statusCode(), stopped.body());
        JsonNode ref = JSON.readTree(stopped.body()).path("log");
        assertEquals(log.length, ref.path("bytes").asLong());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(log)), ref.path("sha256").asText());
        String location = ref.path("location").asText(); // s3://bucket/key
        String bucketAndKey = location.substring("s3://".length());
        byte[] onDisk = Files.readAllBytes(LOCAL.cloud().home().resolve("s3").resolve(bucketAndKey));
        assertArrayEquals(log, onDisk, "the stored object is the log as sent");

        var redirect = LOCAL.call("GET", "/api/run/" + run.id() + "/log", null);
        assertEquals(302, redirect.statusCode(), redirect.body());
        HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("location").orElseThrow()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertArrayEquals(log, served.body(), "the link serves the log byte for byte");
        assertEquals(servedType, served.headers().firstValue("content-type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT));
    }

    @Test
    void aLogOfEveryByteValueSentAsCurlDataUrlencodeSendsItIsKeptAndServedExactly() throws Exception {
        var run = running();
        byte[] log = everyByte();
        assertKeptExactly(run, stop(run, percentEncoded(log).getBytes(StandardCharsets.US_ASCII)), log, "application/octet-stream");
    }

    @Test
    void aLogOfEveryByteValueSentRawIsKeptAndServedExactly() throws Exception {
        var run = running();
        byte[] log = everyByte();
        assertKeptExactly(run, stop(run, rawFormValue(log)), log, "application/octet-stream");
    }

    @Test
    void aFiveMegabyteBinaryLogIsKeptAndServedExactly() throws Exception {
        var run = running();
        byte[] log = random(5 * 1000 * 1000, 5);
        assertKeptExactly(run, stop(run, rawFormValue(log)), log, "application/octet-stream");
    }

    @Test
    void aUtf8LogInJsonIsServedAsUtf8Text() throws Exception {
        var run = running();
        String text = "meshing ✓\nstep 2: résidu 1e-5 🚀\r\n\tdone\u0000\u001b[0m";
        String body = JSON.createObjectNode().put("token", run.token()).put("ts", now()).put("log", text).toString();
        var stopped = LOCAL.call("PUT", "/api/run/stop/" + run.id(), "application/json", body);
        assertKeptExactly(run, stopped, text.getBytes(StandardCharsets.UTF_8), "text/plain;charset=utf-8");
    }

    @Test
    void exchangeFilesOfEveryByteValueAndOfRandomBytesGoThroughASimulationUnchanged() throws Exception {
        for (byte[] file : new byte[][] {everyByte(), random(20 * 1024 * 1024 + 3, 20)}) {
            JsonNode scheduled = JSON.readTree(LOCAL.call("POST", "/api/run",
                    "name=exact-files&command=sh+infra/simulations/copy.sh&inputs=params.txt").body());
            long id = scheduled.path("id").asLong();
            URI upload = URI.create(scheduled.path("uploads").path(0).path("url").asText());
            var put = HTTP.send(HttpRequest.newBuilder(upload).PUT(HttpRequest.BodyPublishers.ofByteArray(file)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            JsonNode run = waitUntilEnded(id);
            assertEquals("FINISHED", run.path("status").asText(), run + "\n" + LOCAL.output(id));

            JsonNode files = JSON.readTree(LOCAL.call("GET", "/api/run/" + id + "/files", null).body());
            for (JsonNode listed : new JsonNode[] {files.path("inputs").path(0), files.path("outputs").path(0)}) {
                assertEquals(file.length, listed.path("size").asLong(), listed.toString());
                HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(listed.path("url").asText())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, download.statusCode());
                assertArrayEquals(file, download.body(), listed.path("name").asText() + " of " + file.length + " bytes comes back exactly");
            }
            assertEquals("result.txt", files.path("outputs").path(0).path("name").asText());
        }
    }

    private static JsonNode waitUntilEnded(long id) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode run = JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
            String status = run.path("status").asText();
            if (!status.equals("SCHEDULED") && !status.equals("RUNNING")) {
                return run;
            }
            Thread.sleep(200);
        }
        fail("run " + id + " did not end within 2 minutes: " + LOCAL.output(id));
        return null;
    }
}
