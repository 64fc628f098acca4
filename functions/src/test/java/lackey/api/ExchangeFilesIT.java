package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.RunFiles;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Exchange files against the emulators: upload links handed out at scheduling and download links of the
 * listing are really signed by the SDK's S3Presigner and really checked by S3Proxy; the files travel over
 * HTTP (java.net.http), beside the API.
 */
class ExchangeFilesIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final long ONE_GIB = 1L << 30;

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle(), RunFiles.exchange(AWS.config(), AWS.credentials));
    private final ListRunFilesHandler listFiles = new ListRunFilesHandler(RunFiles.exchange(AWS.config(), AWS.credentials));
    private final InputUploadHandler inputUpload = new InputUploadHandler(RunFiles.exchange(AWS.config(), AWS.credentials));
    private final OutputUploadHandler outputUpload = new OutputUploadHandler(RunFiles.exchange(AWS.config(), AWS.credentials));
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final CancelRunHandler cancel = new CancelRunHandler(AWS.lifecycle());

    private Answer scheduleForm(String body) {
        return SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> body));
    }

    private Answer filesOf(long id) {
        ObjectNode event = SampleEvents.http("list-files.json", id, b -> b);
        event.put("rawPath", "/api/run/" + id + "/files");
        return SampleEvents.invoke(listFiles, event);
    }

    private Answer moreInputs(long id, String json) {
        ObjectNode event = SampleEvents.http("input-upload.json", id, b -> json);
        event.put("rawPath", "/api/run/" + id + "/inputs");
        return SampleEvents.invoke(inputUpload, event);
    }

    private Answer outputLinks(long id, String form) {
        return SampleEvents.invoke(outputUpload, SampleEvents.http("output-upload.json", id, b -> form));
    }

    private static HttpResponse<String> put(URI url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.rawBody());
        assertEquals(code, answer.body().get("error").asText(), answer.rawBody());
    }

    @Test
    void anInputGoesUpThroughItsLinkIsListedAndComesBackThroughTheListedLink() throws Exception {
        Answer scheduled = scheduleForm("name=exchange&inputs=params.txt,mesh.dat&inputs=extra.csv");
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        JsonNode uploads = scheduled.body().get("uploads");
        assertEquals(List.of("params.txt", "mesh.dat", "extra.csv"), uploads.findValuesAsText("name"), "repeated and comma-separated");
        JsonNode params = uploads.get(0);
        assertEquals("PUT", params.get("method").asText());
        URI upload = URI.create(params.get("url").asText());
        assertEquals("/" + LocalAws.BUCKET + "/exchange/" + id + "/in/params.txt", upload.getPath());
        assertTrue(upload.getRawQuery().contains("X-Amz-Expires=3600"), "an hour to start the upload: " + upload);

        HttpResponse<String> stored = put(upload, "lr=0.01\nsteps=100\n");
        assertEquals(200, stored.statusCode(), stored.body());

        Answer files = filesOf(id);
        assertEquals(200, files.status(), files.rawBody());
        assertEquals(id, files.body().get("id").asLong());
        JsonNode inputs = files.body().get("inputs");
        assertEquals(1, inputs.size(), "only the uploaded input is there: " + inputs);
        JsonNode listed = inputs.get(0);
        assertEquals("params.txt", listed.get("name").asText());
        assertEquals("lr=0.01\nsteps=100\n".length(), listed.get("size").asLong());
        Instant modified = Instant.parse(listed.get("lastModified").asText());
        assertTrue(Math.abs(modified.getEpochSecond() - Instant.now().getEpochSecond()) < 120, "just written: " + modified);
        assertEquals(0, files.body().get("outputs").size());

        URI download = URI.create(listed.get("url").asText());
        assertTrue(download.getRawQuery().contains("X-Amz-Expires=900"), "15 minutes: " + download);
        HttpResponse<String> back = get(download);
        assertEquals(200, back.statusCode(), back.body());
        assertEquals("lr=0.01\nsteps=100\n", back.body());

        // a link changed in any way is refused by S3: another key, a longer life, no signature, another method
        URI otherKey = URI.create(download.toString().replace("/in/params.txt", "/in/mesh.dat"));
        URI longer = URI.create(download.toString().replace("X-Amz-Expires=900", "X-Amz-Expires=604800"));
        URI unsigned = URI.create(download.toString().substring(0, download.toString().indexOf('?')));
        for (URI tampered : List.of(otherKey, longer, unsigned)) {
            assertNotEquals(download, tampered, "the test must change the URL");
            HttpResponse<String> refused = get(tampered);
            if (AWS.checksSignatures()) { // moto does not: RELIABILITY.md, "A second emulator"
                assertEquals(403, refused.statusCode(), tampered + " -> " + refused.body());
                assertFalse(refused.body().contains("steps=100"), "the file does not leak");
            }
        }
        if (AWS.checksSignatures()) {
            assertEquals(403, put(download, "overwritten").statusCode(), "a download link cannot upload");
            assertEquals("lr=0.01\nsteps=100\n", get(download).body(), "the input is unchanged");
        }
    }

    @Test
    void aFileTheSimulationWroteUnderOutIsListedAsAnOutput() throws Exception {
        Answer scheduled = SampleEvents.invoke(schedule, SampleEvents.withBody(SampleEvents.http("schedule-run-json.json"),
                "application/json", "{\"name\":\"outputs\",\"inputs\":[\"in.txt\"]}"));
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        assertEquals(List.of("in.txt"), scheduled.body().get("uploads").findValuesAsText("name"), "a JSON array");

        AWS.s3.putObject(p -> p.bucket(LocalAws.BUCKET).key("exchange/" + id + "/out/result.txt"), RequestBody.fromString("42\n"));
        Answer files = filesOf(id);
        assertEquals(200, files.status(), files.rawBody());
        assertEquals(0, files.body().get("inputs").size(), "the input was never uploaded");
        JsonNode outputs = files.body().get("outputs");
        assertEquals(1, outputs.size(), outputs.toString());
        assertEquals("result.txt", outputs.get(0).get("name").asText());
        assertEquals(3, outputs.get(0).get("size").asLong());
        assertEquals("42\n", get(URI.create(outputs.get(0).get("url").asText())).body());
    }

    @Test
    void aRunWithoutInputsGetsNoUploadsAndAnEmptyListing() {
        Answer scheduled = scheduleForm("name=plain");
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        assertFalse(scheduled.body().has("uploads"), scheduled.rawBody());
        Answer files = filesOf(scheduled.body().get("id").asLong());
        assertEquals(200, files.status(), files.rawBody());
        assertEquals(0, files.body().get("inputs").size());
        assertEquals(0, files.body().get("outputs").size());
    }

    @Test
    void badInputNamesAreRefusedBeforeAnyRunIsScheduled() {
        // an empty name (`inputs=`, `a,,b`, a trailing comma) is a name of 0 characters, not "no name"
        for (String inputs : List.of("../x", "in/x", "a..b", "x".repeat(201), "", "a,,b", "a,", "%20")) {
            assertError(scheduleForm("name=bad&inputs=" + inputs), 400, "invalid_input");
        }
        StringBuilder many = new StringBuilder("name=many&inputs=f0");
        for (int i = 1; i <= 100; i++) {
            many.append(",f").append(i);
        }
        assertError(scheduleForm(many.toString()), 400, "invalid_input");
        Answer notStrings = SampleEvents.invoke(schedule, SampleEvents.withBody(SampleEvents.http("schedule-run-json.json"),
                "application/json", "{\"name\":\"bad\",\"inputs\":[1,2]}"));
        assertError(notStrings, 400, "invalid_input");
        Answer emptyName = SampleEvents.invoke(schedule, SampleEvents.withBody(SampleEvents.http("schedule-run-json.json"),
                "application/json", "{\"name\":\"bad\",\"inputs\":[\"a\",\"\"]}"));
        assertError(emptyName, 400, "invalid_input");
    }

    @Test
    void filesOfAnUnknownRunAreNotFound() {
        assertError(filesOf(999_999), 404, "run_not_found");
    }

    @Test
    void moreInputsOfALiveRunGoUpThroughTheLinksOfTheInputsRoute() throws Exception {
        Answer scheduled = scheduleForm("name=late-inputs");
        long id = scheduled.body().get("id").asLong();

        Answer links = moreInputs(id, "{\"inputs\":[\"params.txt\",\"mesh.dat\"]}");
        assertEquals(200, links.status(), links.rawBody());
        assertEquals(id, links.body().get("id").asLong());
        JsonNode uploads = links.body().get("uploads");
        assertEquals(List.of("params.txt", "mesh.dat"), uploads.findValuesAsText("name"));
        assertEquals(List.of("PUT", "PUT"), uploads.findValuesAsText("method"));
        URI upload = URI.create(uploads.get(0).get("url").asText());
        assertEquals("/" + LocalAws.BUCKET + "/exchange/" + id + "/in/params.txt", upload.getPath());
        assertTrue(upload.getRawQuery().contains("X-Amz-Expires=3600"), "an hour to start the upload: " + upload);
        Instant expires = Instant.parse(uploads.get(0).get("expiresAt").asText());
        assertTrue(Math.abs(expires.getEpochSecond() - Instant.now().plusSeconds(3600).getEpochSecond()) < 120, expires.toString());

        assertEquals(200, put(upload, "lr=0.5\n").statusCode());
        JsonNode inputs = filesOf(id).body().get("inputs");
        assertEquals(List.of("params.txt"), inputs.findValuesAsText("name"));
        assertEquals("lr=0.5\n", get(URI.create(inputs.get(0).get("url").asText())).body());
    }

    @Test
    void inputsRouteRefusesBadNamesUnknownRunsAndEndedRuns() {
        long id = scheduleForm("name=late-inputs").body().get("id").asLong();
        assertError(moreInputs(id, "{\"inputs\":[\"../x\"]}"), 400, "invalid_input");
        assertError(moreInputs(id, "{\"inputs\":[]}"), 400, "invalid_input");
        assertError(moreInputs(999_999, "{\"inputs\":[\"a.txt\"]}"), 404, "run_not_found");
        Answer cancelled = SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", id, b -> "reason=done"));
        assertEquals(200, cancelled.status(), cancelled.rawBody());
        Answer ended = moreInputs(id, "{\"inputs\":[\"a.txt\"]}");
        assertError(ended, 409, "wrong_state");
        assertEquals("run " + id + " is CANCELLED, so it cannot take inputs", ended.body().get("message").asText());
    }

    @Test
    void aRunningSimulationPutsItsOutputsThroughLinksItGetsWithItsToken() throws Exception {
        Answer scheduled = scheduleForm("name=outputs-up");
        long id = scheduled.body().get("id").asLong();
        String token = scheduled.body().get("token").asText();
        assertError(outputLinks(id, "token=" + token + "&names=result.csv"), 409, "wrong_state");

        long now = Instant.now().getEpochSecond();
        Answer started = SampleEvents.invoke(start, SampleEvents.http("start-run.json", id, b -> "token=" + token + "&ts=" + now));
        assertEquals(200, started.status(), started.rawBody());
        assertError(outputLinks(id, "token=" + SampleEvents.SEED_TOKEN + "&names=result.csv"), 403, "wrong_token");
        assertError(outputLinks(id, "token=" + token + "&names=a/b"), 400, "invalid_input");
        assertError(outputLinks(999_999, "token=" + token + "&names=result.csv"), 404, "run_not_found");

        Answer links = outputLinks(id, "token=" + token + "&names=result.csv,plot.png");
        assertEquals(200, links.status(), links.rawBody());
        JsonNode uploads = links.body().get("uploads");
        assertEquals(List.of("result.csv", "plot.png"), uploads.findValuesAsText("name"));
        URI upload = URI.create(uploads.get(0).get("url").asText());
        assertEquals("/" + LocalAws.BUCKET + "/exchange/" + id + "/out/result.csv", upload.getPath());
        assertEquals(200, put(upload, "x,y\n1,2\n").statusCode());
        JsonNode outputs = filesOf(id).body().get("outputs");
        assertEquals(List.of("result.csv"), outputs.findValuesAsText("name"));
        URI intoInputs = URI.create(upload.toString().replace("/out/result.csv", "/in/result.csv"));
        if (AWS.checksSignatures()) { // moto does not: RELIABILITY.md, "A second emulator"
            assertEquals(403, put(intoInputs, "sneaky").statusCode(), "an output link cannot write elsewhere");
        }

        Answer stopped = SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", id, b -> "token=" + token + "&ts=" + now + "&exit=0"));
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertError(outputLinks(id, "token=" + token + "&names=late.csv"), 409, "wrong_state");
    }

    /**
     * 1 GiB generated on the fly, PUT with a fixed length through an input's presigned link and listed with
     * its size. One PUT takes up to 5 GB in S3, so 1 GB needs no multipart upload. It took 7–16 s on the
     * 2-core build machine against S3Proxy over loopback (printed below); the file is removed afterwards.
     */
    @Test
    void aOneGibibyteInputGoesUpInOnePutAndIsListedWithItsSize() throws Exception {
        Answer scheduled = scheduleForm("name=big&inputs=big.bin");
        assertEquals(201, scheduled.status(), scheduled.rawBody());
        long id = scheduled.body().get("id").asLong();
        URI upload = URI.create(scheduled.body().get("uploads").get(0).get("url").asText());

        long begin = System.nanoTime();
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(upload)
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(ONE_GIB)), ONE_GIB))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - begin) / 1_000_000;
        try {
            assertEquals(200, put.statusCode(), put.body());
            System.out.printf("ExchangeFilesIT: 1 GiB input PUT through its presigned URL to S3Proxy in %d ms%n", millis);
            Answer files = filesOf(id);
            assertEquals(200, files.status(), files.rawBody());
            assertEquals("big.bin", files.body().get("inputs").get(0).get("name").asText());
            assertEquals(ONE_GIB, files.body().get("inputs").get(0).get("size").asLong());
        } finally {
            AWS.s3.deleteObject(d -> d.bucket(LocalAws.BUCKET).key("exchange/" + id + "/in/big.bin"));
        }
    }

    /** {@code size} bytes of a repeating pattern, made as they are read: nothing of the file is in memory at once. */
    private static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position == size ? -1 : (int) (position++ % 251);
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position == size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) {
                into[offset + i] = (byte) ((position + i) % 251);
            }
            position += n;
            return n;
        }
    }
}
