package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lackey.local.template.QueueDefinition;
import org.junit.jupiter.api.Test;

/** The local queues keep what they are sent, say so in an [sqs] line, and never print a message's body. */
class LocalQueuesTest {

    private static final QueueDefinition QUEUE = new QueueDefinition("DispatchDeadLetterQueue", "lackey-dispatch-dead-letter",
            "arn:aws:sqs:us-east-1:000000000000:lackey-dispatch-dead-letter", Duration.ofSeconds(120));

    @Test
    void aSentMessageIsKeptWithItsAttributesAndItsLineLeavesOutTheBody() {
        var printed = new ByteArrayOutputStream();
        try (LocalQueues queues = new LocalQueues(List.of(QUEUE), "us-east-1", new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            String id = queues.send(QUEUE.arn(), "{\"detail\":{\"token\":\"secret-token\"}}", Map.of(
                    "RULE_ARN", "arn:aws:events:us-east-1:000000000000:rule/lackey/lackey-dispatch-run",
                    "ERROR_CODE", "INVALID_PARAMETER", "ERROR_MESSAGE", "bad subnet"));
            var kept = queues.messages(QUEUE.arn());
            assertEquals(1, kept.size());
            assertEquals(id, kept.getFirst().id());
            assertEquals("bad subnet", kept.getFirst().attributes().get("ERROR_MESSAGE"));
            assertEquals(0, kept.getFirst().receiveCount());
            String line = printed.toString(StandardCharsets.UTF_8);
            assertTrue(line.startsWith("[sqs] lackey-dispatch-dead-letter: message " + id + " from rule lackey-dispatch-run "
                    + "(INVALID_PARAMETER: bad subnet)"), line);
            assertFalse(line.contains("secret-token"), "a dead letter's body may hold a token: " + line);
        }
    }

    @Test
    void aQueueTheTemplateDoesNotHaveIsRefused() {
        try (LocalQueues queues = new LocalQueues(List.of(QUEUE), "us-east-1", new PrintStream(PrintStream.nullOutputStream()))) {
            assertThrows(IllegalArgumentException.class, () -> queues.send("arn:aws:sqs:us-east-1:000000000000:nope", "{}", Map.of()));
        }
    }
}
