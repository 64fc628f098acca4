package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import lackey.local.template.QueueDefinition;
import lackey.local.template.QueueSubscription;

/**
 * The template's SQS queues, locally: the smallest SQS that EventBridge's dead-letter queues and Lambda's event source
 * mappings need. A queue keeps its messages in memory (they do not survive a restart); a message handed to a consumer
 * is hidden for the queue's visibility timeout and comes back unless the consumer took it. A function subscribed to a
 * queue (an {@code AWS::Lambda::EventSourceMapping}) is invoked as Lambda's poller invokes it: synchronously, with up
 * to a batch of messages in Lambda's SQS event, the messages it took deleted after (all of them, or, with
 * {@code ReportBatchItemFailures}, all but those its answer names). There is no SQS API: nothing in lackey calls one;
 * each message is printed as an {@code [sqs]} line instead.
 */
final class LocalQueues implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often an idle poller looks again: Lambda long-polls, which sees a message within about as long. */
    private static final Duration POLL = Duration.ofMillis(100);

    /** A message in a queue, as SQS keeps it. */
    record Message(String id, String body, Map<String, String> attributes, Instant sentAt, int receiveCount,
                   Instant visibleAt) {

        Message received(Instant now, Duration visibilityTimeout) {
            return new Message(id, body, attributes, sentAt, receiveCount + 1, now.plus(visibilityTimeout));
        }
    }

    private final Map<String, QueueDefinition> queuesByArn = new LinkedHashMap<>();
    private final Map<String, Map<String, Message>> messages = new ConcurrentHashMap<>();
    private final String region;
    private final PrintStream log;
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean closed;

    LocalQueues(List<QueueDefinition> queues, String region, PrintStream log) {
        queues.forEach(queue -> {
            queuesByArn.put(queue.arn(), queue);
            messages.put(queue.arn(), new ConcurrentHashMap<>());
        });
        this.region = region;
        this.log = log;
    }

    /**
     * Sends a message with string attributes, as SendMessage does.
     *
     * @return its message id
     * @throws IllegalArgumentException when the template has no queue of that ARN
     */
    String send(String queueArn, String body, Map<String, String> attributes) {
        QueueDefinition queue = queue(queueArn);
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        messages.get(queueArn).put(id, new Message(id, body, Map.copyOf(attributes), now, 0, now));
        log.println("[sqs] " + queue.name() + ": message " + id + " " + describe(attributes));
        return id;
    }

    /** Every message in a queue, visible or in flight, oldest first. */
    List<Message> messages(String queueArn) {
        queue(queueArn);
        return messages.get(queueArn).values().stream().sorted((a, b) -> a.sentAt().compareTo(b.sentAt())).toList();
    }

    /** Starts invoking {@code subscription}'s function with the messages of its queue, as an event source mapping does. */
    void subscribe(QueueSubscription subscription, FunctionHosts functions) {
        QueueDefinition queue = queue(subscription.queueArn());
        Thread poller = Thread.ofVirtual().name("sqs-" + queue.name() + "-" + subscription.function()).start(() -> {
            while (!closed) {
                List<Message> batch = receive(queue, subscription.batchSize());
                if (batch.isEmpty()) {
                    pause(POLL);
                    continue;
                }
                try {
                    deliver(queue, subscription, functions, batch);
                } catch (RuntimeException e) {
                    // the function host could not be reached: the batch comes back after the visibility timeout
                    log.println("[sqs] " + queue.name() + ": " + subscription.function() + " could not be invoked: " + e.getMessage());
                }
            }
        });
        synchronized (pollers) {
            pollers.add(poller);
        }
    }

    // Up to max visible messages, each hidden for the visibility timeout from now on.
    private synchronized List<Message> receive(QueueDefinition queue, int max) {
        Instant now = Instant.now();
        List<Message> batch = new ArrayList<>();
        for (Message message : messages(queue.arn())) {
            if (batch.size() == max) {
                break;
            }
            if (!message.visibleAt().isAfter(now)) {
                Message received = message.received(now, queue.visibilityTimeout());
                messages.get(queue.arn()).put(message.id(), received);
                batch.add(received);
            }
        }
        return batch;
    }

    private void deliver(QueueDefinition queue, QueueSubscription subscription, FunctionHosts functions, List<Message> batch) {
        String name = functions.functions().values().stream()
                .filter(function -> function.logicalId().equals(subscription.function())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no function " + subscription.function())).functionName();
        FunctionHosts.Invocation result = functions.invoke(name, lambdaEvent(queue, batch));
        Set<String> failed = new TreeSet<>();
        if (result.failed()) {
            batch.forEach(message -> failed.add(message.id()));
        } else if (subscription.reportBatchItemFailures()) {
            try {
                JsonNode answer = JSON.readTree(result.payload());
                answer.path("batchItemFailures").forEach(item -> failed.add(item.path("itemIdentifier").asText()));
            } catch (java.io.IOException e) {
                batch.forEach(message -> failed.add(message.id())); // an answer Lambda cannot read fails the batch
            }
        }
        delete(queue, batch.stream().map(Message::id).filter(id -> !failed.contains(id)).toList());
        log.println("[sqs] " + queue.name() + ": " + name + " took " + (batch.size() - failed.size()) + " of " + batch.size()
                + " message(s)" + (failed.isEmpty() ? "" : "; the rest come back in " + queue.visibilityTimeout().toSeconds() + " s"));
    }

    // Under the lock receive takes, so that a message is never deleted between a receive's look and its write.
    private synchronized void delete(QueueDefinition queue, List<String> ids) {
        ids.forEach(messages.get(queue.arn())::remove);
    }

    /** Lambda's SQS event: the messages as records, their string attributes as Lambda spells them. */
    private byte[] lambdaEvent(QueueDefinition queue, List<Message> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.id());
            record.put("receiptHandle", UUID.randomUUID().toString());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            attributes.put("ApproximateReceiveCount", Integer.toString(message.receiveCount()));
            attributes.put("SentTimestamp", Long.toString(message.sentAt().toEpochMilli()));
            attributes.put("SenderId", "AROAEVENTBRIDGE:local");
            attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(message.sentAt().toEpochMilli()));
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            message.attributes().forEach((name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                attribute.put("stringValue", value);
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", "String");
            });
            record.put("md5OfBody", md5(message.body()));
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queue.arn());
            record.put("awsRegion", region);
        }
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private QueueDefinition queue(String arn) {
        return Optional.ofNullable(queuesByArn.get(arn))
                .orElseThrow(() -> new IllegalArgumentException("template.yaml has no queue " + arn));
    }

    // What an [sqs] line says about a dead letter: its rule and error, never its body (a dispatch's holds a token).
    private static String describe(Map<String, String> attributes) {
        String rule = attributes.getOrDefault("RULE_ARN", "");
        String error = attributes.getOrDefault("ERROR_CODE", "");
        return (rule.isEmpty() ? "" : "from rule " + rule.substring(rule.lastIndexOf('/') + 1) + " ")
                + (error.isEmpty() ? "" : "(" + error + ": " + attributes.getOrDefault("ERROR_MESSAGE", "") + ")");
    }

    private static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (pollers) {
            pollers.forEach(Thread::interrupt);
        }
    }
}
