package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.RequestCounter;
import lackey.aws.RunFiles;
import org.junit.jupiter.api.Test;

/**
 * Log links against the emulators: the presigned URLs are really signed by the SDK's S3Presigner and
 * really checked by S3Proxy, and the files really travel over HTTP (java.net.http, as any simulation's
 * HTTP client would), beside the API rather than through it.
 */
class RunLogsIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final GetRunLogHandler getLog = new GetRunLogHandler(RunFiles.logs(AWS.config(), AWS.credentials));
    private final LogUploadHandler logUpload = new LogUploadHandler(RunFiles.logs(AWS.config(), AWS.credentials));

    record Scheduled(long id, String token) {
    }

    private Scheduled running() {
        Answer scheduled = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> "name=logs"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        var run = new Scheduled(scheduled.body().get("id").asLong(), scheduled.body().get("token").asText());
        Answer started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(),
                b -> "token=" + run.token() + "&ts=" + now()));
        assertEquals(200, started.status(), started.rawBody());
        return run;
    }

    private Answer stopWith(Scheduled run, String fields) {
        return SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(),
                b -> "token=" + run.token() + "&ts=" + now() + fields));
    }

    private Answer logOf(long id) {
        ObjectNode event = SampleEvents.http("get-run-log.json", id, b -> b);
        event.put("rawPath", "/api/run/" + id + "/log");
        return SampleEvents.invoke(getLog, event);
    }

    private Answer uploadFor(long id, String token) {
        return SampleEvents.invoke(logUpload, SampleEvents.http("log-upload.json", id, b -> "token=" + token));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.rawBody());
        assertEquals(code, answer.body().get("error").asText(), answer.rawBody());
    }

    // ---- GET /api/run/{id}/log

    @Test
    void logRedirectsToAPresignedUrlThatDownloadsItThroughS3Proxy() throws Exception {
        var run = running();
        assertEquals(200, stopWith(run, "&log=asdf%20123%0Asecond+line").status());

        Answer redirect = logOf(run.id());
        assertEquals(302, redirect.status(), redirect.rawBody());
        String location = redirect.header("location");
        assertEquals(location, redirect.body().get("url").asText(), "the body repeats the URL for scripts");
        assertEquals("no-store", redirect.header("cache-control"));
        URI url = URI.create(location);
        assertEquals(AWS.s3Endpoint().getAuthority(), url.getAuthority(), "the endpoint comes from the SDK's settings");
        assertTrue(url.getPath().startsWith("/" + LocalAws.BUCKET + "/logs/" + run.id() + "/"), "path-style: " + url.getPath());
        assertTrue(url.getRawQuery().contains("X-Amz-Expires=900"), "15 minutes: " + url.getRawQuery());
        assertTrue(url.getRawQuery().contains("X-Amz-Signature="), url.getRawQuery());

        HttpResponse<String> download = HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, download.statusCode(), download.body());
        assertEquals("asdf 123\nsecond line", download.body());
        assertEquals("text/plain;charset=utf-8", contentType(download), "the log shows as text");
    }

    @Test
    void aTamperedOrUnsignedLinkIsRefusedByS3() throws Exception {
        var run = running();
        assertEquals(200, stopWith(run, "&log=secret%20result").status());
        URI url = URI.create(logOf(run.id()).header("location"));
        String query = url.getRawQuery();

        URI longer = URI.create(url.toString().replace("X-Amz-Expires=900", "X-Amz-Expires=604800"));
        URI otherKey = URI.create(url.toString().replace("/logs/" + run.id() + "/", "/logs/" + (run.id() + 1) + "/"));
        URI otherType = URI.create(url.toString().replace("response-content-type=", "response-content-type=x"));
        URI unsigned = URI.create(url.toString().substring(0, url.toString().indexOf('?')));
        for (URI tampered : List.of(longer, otherKey, otherType, unsigned)) {
            assertNotEquals(url, tampered, "the test must change the URL");
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString());
            if (AWS.checksSignatures()) { // moto does not: RELIABILITY.md, "A second emulator"
                assertEquals(403, refused.statusCode(), tampered + " -> " + refused.body());
                assertFalse(refused.body().contains("secret result"), "the log does not leak");
            }
        }
        assertTrue(query.contains("response-content-type="), query);
    }

    @Test
    void aRunWithoutLogOrNoRunAtAllIsNotFound() {
        var run = running();
        assertError(logOf(run.id()), 404, "log_not_found");
        assertEquals(200, stopWith(run, "").status(), "a stop without log");
        assertError(logOf(run.id()), 404, "log_not_found");
        assertError(logOf(999_999), 404, "run_not_found");
    }

    // ---- POST /api/run/log-upload/{id}, then the stop with logUpload

    /**
     * The scale the inline log cannot reach: 100 MB generated on the fly, PUT with a fixed length (S3 wants
     * one) through the presigned URL, recorded by the stop with its size, and read back whole.
     */
    @Test
    void aHundredMegabyteLogGoesUpThroughItsPresignedUrlAndTheStopRecordsIt() throws Exception {
        var run = running();
        Answer granted = uploadFor(run.id(), run.token());
        assertEquals(200, granted.status(), granted.rawBody());
        JsonNode upload = granted.body();
        String reference = upload.get("logUpload").asText();
        assertTrue(reference.matches("logs/" + run.id() + "/\\d{13}-[0-9a-f]{8}\\.log"), reference);
        assertEquals("PUT", upload.get("method").asText());
        URI url = URI.create(upload.get("url").asText());
        assertTrue(url.getRawQuery().contains("X-Amz-Expires=3600"), "an hour to start the upload: " + url);
        assertTrue(url.getPath().endsWith("/" + reference), url.getPath());

        var generated = new GeneratedLog(HUNDRED_MB);
        long begin = System.nanoTime();
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(url)
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generated), HUNDRED_MB))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long uploadMillis = (System.nanoTime() - begin) / 1_000_000;
        assertEquals(200, put.statusCode(), put.body());
        System.out.printf("RunLogsIT: 100 MiB log PUT through the presigned URL to S3Proxy in %d ms%n", uploadMillis);

        RequestCounter.reset();
        Answer stopped = stopWith(run, "&exit=0&logUpload=" + reference);
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertEquals(List.of("S3.HeadObject", "DynamoDb.UpdateItem", "EventBridge.PutEvents"), RequestCounter.operations(),
                "one read of the upload, then the usual one conditional write and its event");
        assertEquals("FINISHED", stopped.body().get("status").asText());
        assertEquals(104_857_600L, stopped.body().get("log").get("bytes").asLong());
        assertEquals("s3://" + LocalAws.BUCKET + "/" + reference, stopped.body().get("log").get("location").asText());

        // the same bytes come back through the download link, streamed into a digest
        URI download = URI.create(logOf(run.id()).header("location"));
        HttpResponse<InputStream> back = HTTP.send(HttpRequest.newBuilder(download).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, back.statusCode());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream in = back.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; bytes += n) {
                digest.update(buffer, 0, n);
            }
        }
        assertEquals(HUNDRED_MB, bytes);
        assertEquals(generated.sha256(), HexFormat.of().formatHex(digest.digest()), "the log arrived unchanged");
    }

    @Test
    void anUploadReferenceOfAnotherRunIsRefusedAndTheRunKeepsRunning() throws Exception {
        var mine = running();
        var other = running();
        JsonNode othersUpload = uploadFor(other.id(), other.token()).body();
        String othersReference = othersUpload.get("logUpload").asText();
        put(URI.create(othersUpload.get("url").asText()), "not mine");

        Answer refused = stopWith(mine, "&logUpload=" + othersReference);
        assertError(refused, 400, "invalid_input");
        assertTrue(refused.body().get("message").asText().contains("upload of run " + other.id() + ", not of run " + mine.id()),
                refused.rawBody());
        Answer tokenOfAnother = uploadFor(mine.id(), other.token());
        assertError(tokenOfAnother, 403, "wrong_token");
        assertEquals(200, stopWith(mine, "&log=mine").status(), "the refused stops changed nothing");
    }

    @Test
    void aStopWithBothLogAndUploadOrWithAnUploadNeverMadeIsBadInput() throws Exception {
        var run = running();
        JsonNode upload = uploadFor(run.id(), run.token()).body();
        String reference = upload.get("logUpload").asText();
        Answer missing = stopWith(run, "&logUpload=" + reference);
        assertError(missing, 400, "invalid_input");
        assertTrue(missing.body().get("message").asText().contains("nothing was uploaded"), missing.rawBody());

        put(URI.create(upload.get("url").asText()), "uploaded");
        assertError(stopWith(run, "&log=inline&logUpload=" + reference), 400, "invalid_input");
        Answer stopped = stopWith(run, "&logUpload=" + reference);
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertEquals(8, stopped.body().get("log").get("bytes").asLong());
        assertError(uploadFor(run.id(), run.token()), 409, "wrong_state");

        // lackey never reads an upload, so it claims no charset for it: it is served as bytes, whatever type it was
        // uploaded with (the link signs response-content-type, so the upload's own type never reaches a browser)
        String stored = AWS.s3.headObject(h -> h.bucket(LocalAws.BUCKET).key(reference)).contentType();
        assertFalse(stored.startsWith("text/plain"), "the upload itself is not typed as text: " + stored);
        HttpResponse<String> download = HTTP.send(HttpRequest.newBuilder(URI.create(logOf(run.id()).header("location"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("uploaded", download.body());
        if (AWS.honoursResponseContentType()) {
            assertEquals("application/octet-stream", contentType(download));
        } else {
            assertEquals(stored.replace(" ", "").toLowerCase(Locale.ROOT), contentType(download), "moto answers with the stored type");
        }
    }

    @Test
    void anUploadLinkWritesOnlyItsOwnKey() throws Exception {
        var run = running();
        String url = uploadFor(run.id(), run.token()).body().get("url").asText();
        URI elsewhere = URI.create(url.replace("/logs/" + run.id() + "/", "/logs/" + run.id() + "/x"));
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(elsewhere)
                .PUT(HttpRequest.BodyPublishers.ofString("overwrite")).build(), HttpResponse.BodyHandlers.ofString());
        if (AWS.checksSignatures()) { // moto does not: RELIABILITY.md, "A second emulator"
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals(0, AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + run.id() + "/")).keyCount(),
                    "nothing landed");
        }
        put(URI.create(url), "its own key");
        assertEquals("its own key", AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET)
                .key(url.substring(url.indexOf("/logs/") + 1, url.indexOf('?')))).asUtf8String(), "the link writes its own key");
    }

    /** The content type as sent, without the space a server may or may not put after the semicolon. */
    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("content-type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static void put(URI url, String text) throws Exception {
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
    }

    /**
     * A log of {@code size} bytes made as it is read, in 64 KiB blocks of 64-byte lines, each block numbered:
     * nothing the size of the file is ever in memory. Keeps the SHA-256 of what it handed out.
     */
    private static final class GeneratedLog extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private final byte[] block = new byte[1 << 16];
        private long position;
        private int inBlock = block.length;
        private long blockNumber;

        GeneratedLog(long size) throws NoSuchAlgorithmException {
            this.size = size;
            this.digest = MessageDigest.getInstance("SHA-256");
            byte[] line = "step 0000 residual 1.0e-06 converged; writing fields to disk ....\n".substring(0, 63)
                    .concat("\n").getBytes(StandardCharsets.US_ASCII);
            for (int at = 0; at < block.length; at += line.length) {
                System.arraycopy(line, 0, block, at, line.length);
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position == size) {
                return -1;
            }
            if (inBlock == block.length) {
                String number = String.format("%08d", blockNumber++);
                System.arraycopy(number.getBytes(StandardCharsets.US_ASCII), 0, block, 0, 8);
                inBlock = 0;
            }
            int n = (int) Math.min(Math.min(length, block.length - inBlock), size - position);
            System.arraycopy(block, inBlock, into, offset, n);
            digest.update(block, inBlock, n);
            inBlock += n;
            position += n;
            return n;
        }

        String sha256() {
            assertEquals(size, position, "the whole log was read");
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
