package lackey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import lackey.api.SampleEvents.Answer;
import lackey.aws.LocalAws;
import lackey.aws.RequestCounter;
import lackey.aws.RunFiles;
import lackey.aws.RunJson;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Retried calls through the handlers against dynalite, S3Proxy and the local bus: the same call again answers
 * 200 with the same body and leaves the item, the logs under {@code logs/{id}/} and the bus as they were; a call
 * that differs is a 409 that says how; and the first call still makes exactly the requests it made before.
 */
class RetriesIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TASK = "arn:aws:ecs:us-east-1:000000000000:task/lackey-simulations/0123456789abcdef0123456789abcdef";

    private final ScheduleRunHandler schedule = new ScheduleRunHandler(AWS.lifecycle());
    private final StartRunHandler start = new StartRunHandler(AWS.lifecycle());
    private final HeartbeatRunHandler heartbeat = new HeartbeatRunHandler(AWS.lifecycle());
    private final StopRunHandler stop = new StopRunHandler(AWS.lifecycle());
    private final CancelRunHandler cancel = new CancelRunHandler(AWS.lifecycle());
    private final SweepRunsHandler sweeper = new SweepRunsHandler(AWS.lifecycle());
    private final LogUploadHandler logUpload = new LogUploadHandler(RunFiles.logs(AWS.config(), AWS.credentials));

    record Scheduled(long id, String token) {
    }

    private Scheduled schedule(String form) {
        Answer answer = SampleEvents.invoke(schedule, SampleEvents.http("schedule-run-form.json", 0, b -> form));
        assertEquals(201, answer.status(), answer.rawBody());
        return new Scheduled(answer.body().get("id").asLong(), answer.body().get("token").asText());
    }

    private Answer start(Scheduled run, String fields) {
        return SampleEvents.invoke(start, SampleEvents.http("start-run.json", run.id(), b -> "token=" + run.token() + fields));
    }

    private Answer beat(Scheduled run, String fields) {
        return SampleEvents.invoke(heartbeat, SampleEvents.http("heartbeat-run.json", run.id(), b -> "token=" + run.token() + fields));
    }

    private Answer stop(Scheduled run, String fields) {
        return SampleEvents.invoke(stop, SampleEvents.http("stop-run.json", run.id(), b -> "token=" + run.token() + fields));
    }

    private Answer cancel(long id, String form) {
        return SampleEvents.invoke(cancel, SampleEvents.http("cancel-run.json", id, b -> form));
    }

    private Scheduled running(String form) {
        var run = schedule(form);
        Answer started = start(run, "&ts=" + now());
        assertEquals(200, started.status(), started.rawBody());
        return run;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static Map<String, AttributeValue> item(long id) {
        return AWS.dynamo.getItem(g -> g.tableName(LocalAws.TABLE).consistentRead(true)
                .key(Map.of("id", AttributeValue.fromN(Long.toString(id))))).item();
    }

    private static List<String> logKeys(long id) {
        return AWS.s3.listObjectsV2(l -> l.bucket(LocalAws.BUCKET).prefix("logs/" + id + "/")).contents().stream()
                .map(object -> object.key()).toList();
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void assertDiffers(Answer answer, String how, String... neverShown) {
        assertEquals(409, answer.status(), answer.rawBody());
        assertEquals("wrong_state", answer.body().get("error").asText());
        String message = answer.body().get("message").asText();
        assertTrue(message.contains("applied to it differs from this one: ") && message.endsWith(how), message);
        for (String secret : neverShown) {
            assertFalse(message.contains(secret), "the message shows " + secret + ": " + message);
        }
    }

    // ---- start

    @Test
    void aRetriedStartAnswersTheSameRunAndChangesNothing() {
        var run = schedule("name=retried-start");
        long ts = now();
        Answer first = start(run, "&ts=" + ts + "&task=" + form(TASK));
        assertEquals(200, first.status(), first.rawBody());
        var before = item(run.id());

        RequestCounter.reset();
        Answer again = start(run, "&ts=" + ts + "&task=" + form(TASK));
        assertEquals(List.of("DynamoDb.UpdateItem", "DynamoDb.GetItem"), RequestCounter.operations(),
                "the refused write, the read that recognises the retry, and no event");
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(first.rawBody(), again.rawBody(), "the first call's answer, byte for byte");

        assertDiffers(start(run, "&ts=" + (ts + 1) + "&task=" + form(TASK)), "ts " + (ts + 1) + " instead of " + ts, run.token());
        assertDiffers(start(run, "&ts=" + ts), "no task instead of one", run.token());
        assertEquals(before, item(run.id()), "neither the retry nor the refusals changed the item");
    }

    @Test
    void aStartRetriedAfterTheRunEndedIsRefusedAsTheTokenDiedWithTheRun() {
        var run = schedule("name=start-after-stop");
        long ts = now();
        assertEquals(200, start(run, "&ts=" + ts).status());
        assertEquals(200, stop(run, "&ts=" + ts + "&log=done").status());
        Answer late = start(run, "&ts=" + ts);
        assertEquals(409, late.status(), late.rawBody());
        assertEquals("run " + run.id() + " is FINISHED, so it cannot start; a start with these fields was applied before the run ended",
                late.body().get("message").asText());
    }

    // ---- heartbeat

    @Test
    void aRepeatedHeartbeatIsRecordedAgainAndOneAfterTheStopIsRefused() throws Exception {
        var run = running("name=retried-heartbeat&heartbeatTimeout=60&maxDuration=600");
        long ts = now();
        Answer first = beat(run, "&ts=" + ts + "&progress=40&message=" + form("meshing, 40%"));
        assertEquals(200, first.status(), first.rawBody());
        var before = item(run.id());
        Thread.sleep(5);

        RequestCounter.reset();
        Answer again = beat(run, "&ts=" + ts + "&progress=40&message=" + form("meshing, 40%"));
        assertEquals(List.of("DynamoDb.UpdateItem"), RequestCounter.operations(), "a heartbeat is one write, repeated or not");
        assertEquals(200, again.status(), again.rawBody());
        var after = item(run.id());
        for (String recorded : List.of("heartbeatTs", "progress", "message", "status", "startedTs", "startedAt", "tokenHash")) {
            assertEquals(before.get(recorded), after.get(recorded), recorded);
        }
        assertTrue(Instant.parse(after.get("heartbeatAt").s()).isAfter(Instant.parse(before.get("heartbeatAt").s())),
                "the repeat is recorded with its own arrival");
        assertTrue(Long.parseLong(after.get("deadline").n()) >= Long.parseLong(before.get("deadline").n()),
                "the deadline only moves forward, from the repeat's arrival");
        assertEquals("1", before.get("heartbeatCount").n());
        assertEquals("2", after.get("heartbeatCount").n(), "the repeat is counted like any heartbeat");
        var rest = new HashMap<>(after);
        rest.keySet().removeAll(List.of("heartbeatAt", "deadline", "heartbeatCount"));
        var restBefore = new HashMap<>(before);
        restBefore.keySet().removeAll(List.of("heartbeatAt", "deadline", "heartbeatCount"));
        assertEquals(restBefore, rest, "nothing else changed");

        assertEquals(200, stop(run, "&ts=" + ts).status());
        Answer afterStop = beat(run, "&ts=" + ts + "&progress=40&message=" + form("meshing, 40%"));
        assertEquals(409, afterStop.status(), afterStop.rawBody());
        assertEquals("run " + run.id() + " is FINISHED, so it cannot send a heartbeat", afterStop.body().get("message").asText());
    }

    // ---- stop with an inline log

    @Test
    void aRetriedStopWithTheSameLogAnswersTheSameAndOnlyTheFirstLogRemains() throws Exception {
        var run = running("name=retried-stop");
        long ts = now();
        String log = "asdf 123\nüñí: a log with some UTF-8\n";
        Answer first = stop(run, "&ts=" + ts + "&exit=0&log=" + form(log));
        assertEquals(200, first.status(), first.rawBody());
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(log.getBytes(StandardCharsets.UTF_8)));
        assertEquals(digest, first.body().get("log").get("sha256").asText(), "the run shows the SHA-256 of its log");
        var before = item(run.id());
        assertEquals(digest, before.get("logSha256").s(), "stored in the stop's one write");
        List<String> keys = logKeys(run.id());
        assertEquals(1, keys.size(), keys.toString());

        RequestCounter.reset();
        Answer again = stop(run, "&ts=" + ts + "&exit=0&log=" + form(log));
        assertEquals(List.of("S3.PutObject", "DynamoDb.UpdateItem", "DynamoDb.GetItem", "S3.DeleteObject"), RequestCounter.operations(),
                "its own copy goes up before the write, as for every stop, and is removed once it is known to be a repeat");
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(first.rawBody(), again.rawBody());
        assertEquals(before, item(run.id()));
        assertEquals(keys, logKeys(run.id()), "exactly the first log remains");

        String sameSize = "asdf 124\nüñí: a log with some UTF-8\n";
        assertDiffers(stop(run, "&ts=" + ts + "&exit=0&log=" + form(sameSize)),
                "another log of the same size (" + log.getBytes(StandardCharsets.UTF_8).length + " bytes)", "asdf", run.token());
        assertDiffers(stop(run, "&ts=" + ts + "&exit=3&log=" + form(log)), "status FAILED instead of FINISHED, exit 3 instead of 0");
        assertEquals(before, item(run.id()));
        assertEquals(keys, logKeys(run.id()), "the refused stops' copies are gone too");
        String stored = AWS.s3.getObjectAsBytes(g -> g.bucket(LocalAws.BUCKET).key(keys.getFirst())).asUtf8String();
        assertEquals(log, stored);
    }

    // ---- stop with an uploaded log

    @Test
    void aRetriedStopWithTheSameUploadAnswersTheSameAndAnotherUploadIsRefused() throws Exception {
        var run = running("name=retried-upload");
        String reference = upload(run, "an uploaded log\n");
        String another = upload(run, "another uploaded log\n");
        long ts = now();
        Answer first = stop(run, "&ts=" + ts + "&exit=0&logUpload=" + reference);
        assertEquals(200, first.status(), first.rawBody());
        assertFalse(first.body().get("log").has("sha256"), "lackey never reads an upload to digest it");
        var before = item(run.id());

        RequestCounter.reset();
        Answer again = stop(run, "&ts=" + ts + "&exit=0&logUpload=" + reference);
        assertEquals(List.of("S3.HeadObject", "DynamoDb.UpdateItem", "DynamoDb.GetItem"), RequestCounter.operations());
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(first.rawBody(), again.rawBody());
        assertEquals(before, item(run.id()));
        List<String> uploads = List.of(reference, another).stream().sorted().toList();
        assertEquals(uploads, logKeys(run.id()), "the retry added no log object");

        assertDiffers(stop(run, "&ts=" + ts + "&exit=0&log=" + form("an uploaded log\n")), "a log sent inline instead of an upload");
        assertEquals(uploads, logKeys(run.id()), "the inline copy of the refused stop is removed");
        assertDiffers(stop(run, "&ts=" + ts + "&exit=0&logUpload=" + another), "another upload");
        assertEquals(before, item(run.id()));
        assertEquals(uploads, logKeys(run.id()), "a refused stop leaves the simulation's upload in place, as before");
    }

    // ---- the late stop of a LOST run

    @Test
    void aRetriedLateStopOfALostRunAnswersTheLostRun() throws Exception {
        var run = running("name=retried-late-stop&heartbeatTimeout=1&maxDuration=600");
        Thread.sleep(2_100);
        sweepUntil(run.id());
        long ts = now();
        Answer late = stop(run, "&ts=" + ts + "&exit=0&log=" + form("finished after all"));
        assertEquals(200, late.status(), late.rawBody());
        assertEquals("LOST", late.body().get("status").asText());
        var before = item(run.id());

        RequestCounter.reset();
        Answer again = stop(run, "&ts=" + ts + "&exit=0&log=" + form("finished after all"));
        assertEquals(List.of("S3.PutObject", "DynamoDb.UpdateItem", "DynamoDb.GetItem", "S3.DeleteObject"), RequestCounter.operations(),
                "the late stop is not tried again: the read shows it recorded");
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(late.rawBody(), again.rawBody());
        assertEquals(before, item(run.id()));
        assertEquals(1, logKeys(run.id()).size());
        assertDiffers(stop(run, "&ts=" + ts + "&exit=1&log=" + form("finished after all")), "status FAILED instead of FINISHED, exit 1 instead of 0");
    }

    // ---- cancel

    @Test
    void aRetriedCancelWithTheSameReasonAnswersTheSameAndPublishesNothing() {
        var run = schedule("name=retried-cancel");
        assertEquals(200, start(run, "&ts=" + now() + "&task=" + form(TASK)).status());
        Answer first = cancel(run.id(), "reason=" + form("wrong mesh"));
        assertEquals(200, first.status(), first.rawBody());
        var before = item(run.id());

        RequestCounter.reset();
        Answer again = cancel(run.id(), "reason=" + form("wrong mesh"));
        assertEquals(List.of("DynamoDb.UpdateItem", "DynamoDb.GetItem"), RequestCounter.operations(),
                "no second Run Cancelled: the task is stopped once");
        assertEquals(200, again.status(), again.rawBody());
        assertEquals(first.rawBody(), again.rawBody());

        assertDiffers(cancel(run.id(), "reason=" + form("out of budget")), "another reason", "wrong mesh", "budget");
        assertDiffers(cancel(run.id(), ""), "another reason");
        assertEquals(before, item(run.id()));
    }

    // ---- the first call is unchanged

    @Test
    void theFirstCallsStillMakeExactlyTheirRequestsAndNoRead() {
        var run = schedule("name=first-calls");
        var cancelled = schedule("name=first-cancel");
        RequestCounter.reset();
        assertEquals(200, start(run, "&ts=" + now()).status());
        assertEquals(List.of("DynamoDb.UpdateItem", "EventBridge.PutEvents"), RequestCounter.operations(), "start");
        RequestCounter.reset();
        assertEquals(200, beat(run, "&ts=" + now() + "&progress=1").status());
        assertEquals(List.of("DynamoDb.UpdateItem"), RequestCounter.operations(), "heartbeat");
        RequestCounter.reset();
        assertEquals(200, stop(run, "&ts=" + now() + "&log=" + form("a log")).status());
        assertEquals(List.of("S3.PutObject", "DynamoDb.UpdateItem", "EventBridge.PutEvents"), RequestCounter.operations(), "stop");
        RequestCounter.reset();
        assertEquals(200, cancel(cancelled.id(), "reason=done").status());
        assertEquals(List.of("DynamoDb.UpdateItem", "EventBridge.PutEvents"), RequestCounter.operations(), "cancel");
    }

    // ---- helpers

    /** Asks for an upload URL, PUTs the text there as a simulation would, and returns the reference. */
    private String upload(Scheduled run, String text) throws Exception {
        Answer granted = SampleEvents.invoke(logUpload, SampleEvents.http("log-upload.json", run.id(), b -> "token=" + run.token()));
        assertEquals(200, granted.status(), granted.rawBody());
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(granted.body().get("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        return granted.body().get("logUpload").asText();
    }

    /** Sweeps (the table is shared, so possibly several rounds) until the run was declared LOST. */
    private void sweepUntil(long id) throws IOException {
        for (int round = 0; round < 100; round++) {
            var out = new ByteArrayOutputStream();
            sweeper.handleRequest(new ByteArrayInputStream(SampleEvents.text("scheduled-rule.json").getBytes(StandardCharsets.UTF_8)), out, null);
            JsonNode lost = RunJson.MAPPER.readTree(out.toByteArray()).get("lost");
            for (JsonNode swept : lost) {
                if (swept.asLong() == id) {
                    return;
                }
            }
            if (lost.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("run " + id + " was not declared LOST");
    }
}
