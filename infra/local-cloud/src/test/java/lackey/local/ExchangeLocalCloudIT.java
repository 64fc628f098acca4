package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exchange files end to end in the local cloud: a dispatched run of {@code infra/simulations/copy.sh} is
 * scheduled with the input {@code params.txt}; the test uploads it through the presigned URL of the answer
 * while the simulation, already started by the dispatch rule, waits for it in {@code LACKEY_EXCHANGE_DIR}
 * (a dispatched run starts at scheduling, so the simulation waits, rather than the upload coming first);
 * the simulation copies it to {@code out/result.txt} on disk, and {@code GET /api/run/{id}/files} lists that
 * file, which downloads through its link and is a real file under {@code $LACKEY_HOME/s3/}.
 */
class ExchangeLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    @Test
    void aDispatchedRunReadsItsUploadedInputAndItsOutputIsListedAndOnDisk() throws Exception {
        HttpResponse<String> scheduled = LOCAL.call("POST", "/api/run",
                "name=copy&command=sh%20infra/simulations/copy.sh&inputs=params.txt");
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        JsonNode answer = JSON.readTree(scheduled.body());
        long id = answer.path("id").asLong();
        JsonNode upload = answer.path("uploads").path(0);
        assertEquals("params.txt", upload.path("name").asText(), scheduled.body());

        String params = "lr=0.01\nsteps=100\n";
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(upload.path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(params)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        JsonNode run = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
            if (run.path("status").asText().equals("FINISHED") || run.path("status").asText().equals("FAILED")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("FINISHED", run.path("status").asText(), run + "\n" + LOCAL.output(id));
        Path bucket = LOCAL.cloud().home().resolve("s3").resolve(LOCAL.cloud().environment().get("LACKEY_BUCKET"));
        Path folder = bucket.resolve("exchange").resolve(Long.toString(id)).toAbsolutePath().normalize();
        assertTrue(LOCAL.output(id).contains("copy: run " + id + ", exchange s3://" + bucket.getFileName() + "/exchange/" + id
                + "/, folder " + folder + "/"), "LACKEY_EXCHANGE from the dispatch rule, LACKEY_EXCHANGE_DIR locally: " + LOCAL.output(id));

        HttpResponse<String> files = LOCAL.call("GET", "/api/run/" + id + "/files", null);
        assertEquals(200, files.statusCode(), files.body());
        JsonNode listing = JSON.readTree(files.body());
        assertEquals("params.txt", listing.at("/inputs/0/name").asText(), files.body());
        assertEquals(1, listing.path("outputs").size(), files.body());
        JsonNode result = listing.at("/outputs/0");
        assertEquals("result.txt", result.path("name").asText());
        assertEquals(params.length(), result.path("size").asLong());
        HttpResponse<String> download = HTTP.send(HttpRequest.newBuilder(URI.create(result.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, download.statusCode(), download.body());
        assertEquals(params, download.body());

        Path onDisk = bucket.resolve("exchange").resolve(Long.toString(id)).resolve("out").resolve("result.txt");
        assertTrue(Files.isRegularFile(onDisk), onDisk + " is a plain file");
        assertEquals(params, Files.readString(onDisk));

        assertEquals(404, LOCAL.call("GET", "/api/run/999999/files", null).statusCode(), "an unknown run");
    }
}
