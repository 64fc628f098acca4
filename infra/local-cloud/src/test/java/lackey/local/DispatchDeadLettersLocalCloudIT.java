package lackey.local;

import static lackey.local.LaunchFailuresLocalCloudIT.await;
import static lackey.local.LaunchFailuresLocalCloudIT.events;
import static lackey.local.LaunchFailuresLocalCloudIT.ofRun;
import static lackey.local.LaunchFailuresLocalCloudIT.schedule;
import static lackey.local.LaunchFailuresLocalCloudIT.sweepWhenDue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import lackey.local.template.QueueDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A RunTask that ECS refuses, end to end in the local cloud: deployed with a subnet id that is no subnet id, every
 * dispatch fails at RunTask. EventBridge (the local bus) does not retry a refused parameter: the "Run Scheduled"
 * goes at once to the target's dead-letter queue, with why in its message attributes; the queue's event source
 * mapping hands it to RecordLaunchFailureFunction, which records the failure on the run. With
 * {@code LaunchAttempts=2}, the run is LOST after its second launch failed too.
 */
class DispatchDeadLettersLocalCloudIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud(options -> options.withParameterOverrides(
            Map.of("SubnetIds", "subnet-bad", "LaunchRetryDelay", "1", "LaunchAttempts", "2")));

    private static QueueDefinition dispatchQueue() {
        return LOCAL.cloud().template().queues().stream()
                .filter(queue -> queue.logicalId().equals("DispatchDeadLetterQueue")).findFirst().orElseThrow();
    }

    @Test
    void aRefusedRunTaskGoesToTheDeadLetterQueueAndIsRecordedOnTheRunUntilItIsLost() throws Exception {
        long begin = System.nanoTime();
        long id = schedule(LOCAL, "bad-subnet");
        JsonNode failed = await(LOCAL, id, 15, run -> run.has("launchFailures"));
        double seenAfter = (System.nanoTime() - begin) / 1e9;
        System.out.printf("RunTask failure of run %d seen %.2f s after it was scheduled%n", id, seenAfter);
        assertTrue(seenAfter < 10, "seen after " + seenAfter + " s");
        assertEquals("SCHEDULED", failed.path("status").asText());
        assertEquals("RunTask failed: INVALID_PARAMETER: InvalidParameterException: Error retrieving subnet information for "
                + "[subnet-bad]: The subnet ID 'subnet-bad' is malformed (ECS) (retries: 0)", failed.path("launchFailureReason").asText());
        awaitEmpty();

        sweepWhenDue(LOCAL, failed);
        JsonNode lost = await(LOCAL, id, 15, run -> run.path("status").asText().equals("LOST"));
        assertEquals(2, lost.path("launchFailures").asInt());
        assertTrue(lost.path("lostReason").asText().startsWith("container not launched after 2 attempts: RunTask failed: "),
                lost.toString());
        awaitEmpty();
    }

    @Test
    void aDeadLetterDeliveredAgainChangesNothing() throws Exception {
        long id = schedule(LOCAL, "dead-letter-twice");
        JsonNode once = await(LOCAL, id, 15, run -> run.has("launchFailures"));
        awaitEmpty();
        String scheduled = LOCAL.cloud().eventBus().events().stream()
                .filter(event -> event.contains("\"Run Scheduled\"") && event.contains("\"id\":" + id + ","))
                .findFirst().orElseThrow();
        int told = events(LOCAL, "Run Launch Failed", ofRun(id)).size();
        assertEquals(1, told, "the message is deleted once the function is done, its event published");

        // SQS delivers at least once: the same dead letter again
        LOCAL.cloud().queues().send(dispatchQueue().arn(), scheduled, Map.of("ERROR_CODE", "INVALID_PARAMETER",
                "ERROR_MESSAGE", "the same refusal, told again", "RETRY_ATTEMPTS", "0"));
        awaitEmpty();
        assertEquals(once, LaunchFailuresLocalCloudIT.get(LOCAL, id), "the run did not change");
        assertEquals(told, events(LOCAL, "Run Launch Failed", ofRun(id)).size(), "nothing was published");
    }

    /** Waits until the function has taken every message out of the dispatch dead-letter queue. */
    private static void awaitEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!LOCAL.cloud().queues().messages(dispatchQueue().arn()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(java.util.List.of(), LOCAL.cloud().queues().messages(dispatchQueue().arn()), "all taken");
    }
}
