package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Outputs recorded as they land, end to end in the local cloud: files put through the S3 API (and one written
 * straight into the exchange folder on disk, as a local simulation does) make the bucket folder's watcher send
 * S3's "Object Created" to the default bus, where the template's rule hands it to RecordOutputFunction, and
 * {@code GET /api/run/{id}} shows the outputs. Inputs are not outputs.
 */
class OutputEventsLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path home;

    private static LocalCloud cloud;

    @BeforeAll
    static void startLocalCloud() {
        cloud = LocalCloud.start(LocalCloudIT.options(home));
    }

    @AfterAll
    static void stopLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void uploadedAndWrittenOutputsShowOnTheRunButInputsDoNot() throws Exception {
        HttpResponse<String> scheduled = call("POST", "/api/run", "name=outputs");
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        long id = JSON.readTree(scheduled.body()).path("id").asLong();
        Map<String, String> env = cloud.environment();
        String bucket = env.get("LACKEY_BUCKET");
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_S3")))
                .region(Region.of(env.get("AWS_REGION"))).forcePathStyle(true)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            s3.putObject(put -> put.bucket(bucket).key("exchange/" + id + "/in/params.txt"), RequestBody.fromString("lr=0.1\n"));
            s3.putObject(put -> put.bucket(bucket).key("exchange/" + id + "/out/result.csv"), RequestBody.fromString("a,b\n1,2\n"));
        }
        assertEquals(List.of("result.csv"), awaitOutputs(id, 1));

        Path out = cloud.home().resolve("s3").resolve(bucket).resolve("exchange").resolve(Long.toString(id)).resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("plot data.txt"), "written on disk\n");
        assertEquals(List.of("plot data.txt", "result.csv"), awaitOutputs(id, 2));

        Thread.sleep(1_000); // anything else still under way has landed by now: the input never counts
        assertEquals(List.of("plot data.txt", "result.csv"), outputs(id));
    }

    private static List<String> awaitOutputs(long id, int count) throws Exception {
        List<String> outputs = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            outputs = outputs(id);
            if (outputs.size() >= count) {
                return outputs;
            }
            Thread.sleep(100);
        }
        return outputs;
    }

    private static List<String> outputs(long id) throws Exception {
        JsonNode run = JSON.readTree(call("GET", "/api/run/" + id, null).body());
        List<String> names = new ArrayList<>();
        run.path("outputs").forEach(name -> names.add(name.asText()));
        return names;
    }

    private static HttpResponse<String> call(String method, String path, String form) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path))
                .header("content-type", "application/x-www-form-urlencoded")
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form))
                .build();
        return ApiAnswers.checked(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    }
}
