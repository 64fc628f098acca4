package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A two-step pipeline end to end in the local cloud: a consumer ({@code hello.sh}) waits for the producer's
 * {@code out/result.txt}; it is not dispatched while the producer ({@code copy.sh}) waits for its input, and
 * runs to FINISHED once the copied output landed in the bucket and the bucket's event reached lackey.
 */
class PipelineLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    @Test
    void consumerRunsOnlyAfterTheProducersOutputLanded() throws Exception {
        HttpResponse<String> producer = LOCAL.call("POST", "/api/run",
                "name=producer&command=sh%20infra/simulations/copy.sh&inputs=params.txt");
        assertEquals(201, producer.statusCode(), producer.body());
        JsonNode produced = JSON.readTree(producer.body());
        long producerId = produced.path("id").asLong();

        HttpResponse<String> consumer = LOCAL.call("POST", "/api/run",
                "name=consumer&command=sh%20infra/simulations/hello.sh&waitFor=" + producerId + "%2Fresult.txt");
        assertEquals(201, consumer.statusCode(), consumer.body());
        long consumerId = JSON.readTree(consumer.body()).path("id").asLong();

        Thread.sleep(2_000); // time enough for a wrongly dispatched consumer to start
        JsonNode waiting = run(consumerId);
        assertEquals("SCHEDULED", waiting.path("status").asText(), waiting + "\n" + LOCAL.output(consumerId));
        assertEquals(producerId + "/result.txt", waiting.path("waitingFor").asText(), waiting.toString());

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(produced.at("/uploads/0/url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString("lr=0.01\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        JsonNode done = finished(consumerId);
        assertEquals("FINISHED", done.path("status").asText(), done + "\n" + LOCAL.output(consumerId));
        assertFalse(done.has("waitingFor"));
        JsonNode source = finished(producerId);
        assertEquals("FINISHED", source.path("status").asText(), source + "\n" + LOCAL.output(producerId));
        Instant landed = Instant.parse(source.path("lastOutputAt").asText());
        Instant started = Instant.parse(done.path("startedReceivedAt").asText());
        assertTrue(!started.isBefore(landed), "consumer started at " + started + ", output landed at " + landed);
    }

    private static JsonNode run(long id) throws Exception {
        return JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
    }

    private static JsonNode finished(long id) throws Exception {
        JsonNode run = run(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !run.path("status").asText().matches("FINISHED|FAILED|LOST")) {
            Thread.sleep(100);
            run = run(id);
        }
        return run;
    }
}
