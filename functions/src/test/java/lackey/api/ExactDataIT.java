package lackey.api;

import static lackey.api.RawCalls.Route.LOG;
import static lackey.api.RawCalls.Route.SCHEDULE;
import static lackey.api.RawCalls.Route.START;
import static lackey.api.RawCalls.Route.STOP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;

/**
 * Data is kept exactly: a log is bytes, stored in S3 as the stop call sent them and served back byte for byte by
 * its link, whatever they are (every byte value, a 5 MB binary), however they came (percent-encoded or raw in a
 * form, a string in JSON); exchange files travel through their links unchanged. Against the emulators: the
 * handlers as Lambda runs them, S3Proxy serving the presigned links.
 */
class ExactDataIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RawCalls.Handlers handlers = new RawCalls.Handlers(AWS);

    /** Every byte value once, 0 to 255. */
    static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Every byte as %XX: what curl --data-urlencode sends. */
    static String percentEncoded(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            text.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return text.toString();
    }

    /** The bytes as they are, but for the three a form value cannot hold raw: {@code &}, {@code %} and {@code +}. */
    static byte[] rawFormValue(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length + bytes.length / 32);
        for (byte b : bytes) {
            if (b == '&' || b == '%' || b == '+') {
                out.writeBytes(("%" + HexFormat.of().withUpperCase().toHexDigits(b)).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private record Fixture(long id, String token) {
    }

    private Fixture running() {
        Answer scheduled = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.form(SCHEDULE, "", "name=exact-data"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        var run = new Fixture(scheduled.body().get("id").asLong(), scheduled.body().get("token").asText());
        Answer started = RawCalls.invoke(handlers.of(START), RawCalls.form(START, Long.toString(run.id),
                "token=" + run.token + "&ts=" + now()));
        assertEquals(200, started.status(), started.rawBody());
        return run;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A form body: the run's token and ts, then {@code log=} and the log's bytes as given. */
    private static byte[] stopForm(Fixture run, long ts, byte[] logValue) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(("token=" + run.token + "&ts=" + ts + "&log=").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(logValue);
        return body.toByteArray();
    }

    private Answer stop(Fixture run, byte[] body) {
        return RawCalls.invoke(handlers.of(STOP), RawCalls.event(STOP, Long.toString(run.id), "",
                "application/x-www-form-urlencoded", body, true));
    }

    /** The stored object's bytes, and what the log's link serves, both checked against the log sent. */
    private void assertKeptExactly(Fixture run, Answer stopped, byte[] log, String servedType) throws Exception {
        assertEquals(200, stopped.status(), stopped.rawBody().length() > 500 ? stopped.rawBody().substring(0, 500) : stopped.rawBody());
        JsonNode ref = stopped.body().get("log");
        assertEquals(log.length, ref.get("bytes").asLong());
        assertEquals(sha256(log), ref.get("sha256").asText(), "the digest is of the bytes sent");
        String key = ref.get("location").asText().substring(("s3://" + LocalAws.BUCKET + "/").length());
        byte[] stored = AWS.s3.getObjectAsBytes(get -> get.bucket(LocalAws.BUCKET).key(key)).asByteArray();
        assertArrayEquals(log, stored, "the object in S3 is the log as sent");

        Answer link = RawCalls.invoke(handlers.of(LOG), RawCalls.bare(LOG, Long.toString(run.id), ""));
        assertEquals(302, link.status(), link.rawBody());
        HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create(link.header("location"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertArrayEquals(log, served.body(), "the link serves the log byte for byte");
        assertEquals(servedType, served.headers().firstValue("content-type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT));
    }

    private static final String TEXT = "text/plain;charset=utf-8";
    private static final String BINARY = "application/octet-stream";

    @Test
    void everyByteValuePercentEncodedInAFormIsStoredAndServedExactly() throws Exception {
        var run = running();
        byte[] log = everyByte();
        assertKeptExactly(run, stop(run, stopForm(run, now(), percentEncoded(log).getBytes(StandardCharsets.US_ASCII))), log, BINARY);
    }

    @Test
    void everyByteValueRawInAFormIsStoredAndServedExactly() throws Exception {
        var run = running();
        byte[] log = everyByte();
        assertKeptExactly(run, stop(run, stopForm(run, now(), rawFormValue(log))), log, BINARY);
    }

    @Test
    void aFiveMegabyteBinaryLogSentRawIsStoredAndServedExactly() throws Exception {
        byte[] log = random(5 * 1000 * 1000, 8);
        var raw = running();
        assertKeptExactly(raw, stop(raw, stopForm(raw, now(), rawFormValue(log))), log, BINARY);
    }

    @Test
    void aThreeMegabyteBinaryLogPercentEncodedIsStoredAndServedExactly() throws Exception {
        // three bytes a byte: 9 MB of body, within HTTP API's 10 MB (a 5 MB binary goes raw, or by upload)
        byte[] log = random(3 * 1000 * 1000, 3);
        var percent = running();
        assertKeptExactly(percent, stop(percent, stopForm(percent, now(), percentEncoded(log).getBytes(StandardCharsets.US_ASCII))), log, BINARY);
    }

    @Test
    void aUtf8LogIsServedAsUtf8Text() throws Exception {
        var run = running();
        byte[] log = "meshing ✓\nstep 1: résidu 1e-5 🚀\n\tdone\r\n".getBytes(StandardCharsets.UTF_8);
        assertKeptExactly(run, stop(run, stopForm(run, now(), rawFormValue(log))), log, TEXT);
    }

    @Test
    void aLogInJsonIsTheUtf8OfItsString() throws Exception {
        var run = running();
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < 0x100; c++) {
            text.append((char) c);
        }
        text.append("€ 😀 \uFFFD end");
        String json = RunJson.MAPPER.createObjectNode().put("token", run.token).put("ts", now()).put("log", text.toString()).toString();
        Answer stopped = RawCalls.invoke(handlers.of(STOP), RawCalls.json(STOP, Long.toString(run.id), json));
        assertKeptExactly(run, stopped, text.toString().getBytes(StandardCharsets.UTF_8), TEXT);
    }

    @Test
    void aRetriedStopWithTheSameBinaryLogIsTheSameStopAndADifferentOneIsNot() throws Exception {
        var run = running();
        long ts = now();
        byte[] log = everyByte();
        Answer first = stop(run, stopForm(run, ts, percentEncoded(log).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(200, first.status(), first.rawBody());
        // the same bytes sent the other way (raw) are the same log: compared by the SHA-256 of the bytes
        Answer again = stop(run, stopForm(run, ts, rawFormValue(log)));
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(first.body(), again.body());
        byte[] other = log.clone();
        other[200] ^= 1;
        Answer differs = stop(run, stopForm(run, ts, rawFormValue(other)));
        assertEquals(409, differs.status(), differs.rawBody());
        assertTrue(differs.body().get("message").asText().endsWith("another log of the same size (256 bytes)"), differs.rawBody());
        var keys = AWS.s3.listObjectsV2(list -> list.bucket(LocalAws.BUCKET).prefix("logs/" + run.id + "/")).contents();
        assertEquals(1, keys.size(), "only the first stop's copy remains: " + keys);
    }

    @Test
    void aBinaryLogUploadedThroughItsLinkIsServedExactlyAndAsBytes() throws Exception {
        var run = running();
        byte[] log = random(1024 * 1024 + 255, 11);
        Answer granted = RawCalls.invoke(handlers.of(RawCalls.Route.LOG_UPLOAD), RawCalls.form(RawCalls.Route.LOG_UPLOAD,
                Long.toString(run.id), "token=" + run.token));
        assertEquals(200, granted.status(), granted.rawBody());
        assertEquals(200, put(URI.create(granted.body().get("url").asText()), log).statusCode());
        Answer stopped = stop(run, ("token=" + run.token + "&ts=" + now() + "&logUpload=" + granted.body().get("logUpload").asText())
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertEquals(log.length, stopped.body().get("log").get("bytes").asLong());
        Answer link = RawCalls.invoke(handlers.of(LOG), RawCalls.bare(LOG, Long.toString(run.id), ""));
        HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create(link.header("location"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(log, served.body(), "an upload is served byte for byte");
        String type = served.headers().firstValue("content-type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT);
        if (AWS.honoursResponseContentType()) {
            assertEquals(BINARY, type, "lackey never reads an upload, so it claims no charset for it");
        } else {
            // moto serves the type the object was stored with: S3's default for a PUT that sent none
            assertEquals("binary/octet-stream", type, "moto answers with the stored type");
        }
    }

    // ---- exchange files: their links carry them unchanged, both ways

    @Test
    void inputsAndOutputsOfEveryByteValueAndOfRandomBytesRoundTripExactly() throws Exception {
        byte[] small = everyByte();
        byte[] large = random(24 * 1024 * 1024 + 17, 256);
        Answer scheduled = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.form(SCHEDULE, "", "name=exact-files&inputs=every-byte.bin,large.bin"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        JsonNode uploads = scheduled.body().get("uploads");
        assertEquals(200, put(URI.create(uploads.get(0).get("url").asText()), small).statusCode());
        assertEquals(200, put(URI.create(uploads.get(1).get("url").asText()), large).statusCode());
        // outputs are written by the run's task with its own role, straight to S3, as a container would
        AWS.s3.putObject(p -> p.bucket(LocalAws.BUCKET).key("exchange/" + id + "/out/every-byte.bin"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(small));
        AWS.s3.putObject(p -> p.bucket(LocalAws.BUCKET).key("exchange/" + id + "/out/large.bin"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(large));

        Answer files = RawCalls.invoke(handlers.of(RawCalls.Route.FILES), RawCalls.bare(RawCalls.Route.FILES, Long.toString(id), ""));
        assertEquals(200, files.status(), files.rawBody());
        for (String side : List.of("inputs", "outputs")) {
            for (JsonNode file : files.body().get(side)) {
                byte[] expected = file.get("name").asText().equals("large.bin") ? large : small;
                assertEquals(expected.length, file.get("size").asLong(), side + " " + file);
                HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(file.get("url").asText())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, download.statusCode());
                assertArrayEquals(expected, download.body(), side + " " + file.get("name").asText() + " comes back byte for byte");
            }
            assertEquals(2, files.body().get(side).size(), side);
        }
    }

    private static HttpResponse<String> put(URI url, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
