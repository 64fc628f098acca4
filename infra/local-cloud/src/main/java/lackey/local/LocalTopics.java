package lackey.local;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * SNS topics that rules of template.yaml target, locally. There is no one to e-mail, so each message a
 * rule publishes is printed as {@code [sns] <topic>: <message>} and kept (the last {@value #KEPT}) for
 * {@link LocalCloud#snsMessages()}: the message is exactly what SNS would get from EventBridge.
 */
public final class LocalTopics {

    static final int KEPT = 1000;

    private final PrintStream log;
    private final Deque<Message> messages = new ArrayDeque<>();

    LocalTopics(PrintStream log) {
        this.log = log;
    }

    /**
     * A message published to a topic.
     *
     * @param topicArn the topic's ARN, as the rule's target names it
     * @param topic    the topic's name (the ARN's last part)
     * @param message  the message: the rule's transformed input, or the event itself
     * @param at       when it was published
     */
    public record Message(String topicArn, String topic, String message, Instant at) {
    }

    /** What SNS Publish does here: one log line, and the message kept. */
    void publish(String topicArn, String message) {
        String topic = topicArn.substring(topicArn.lastIndexOf(':') + 1);
        log.println("[sns] " + topic + ": " + message);
        synchronized (messages) {
            if (messages.size() == KEPT) {
                messages.removeFirst();
            }
            messages.addLast(new Message(topicArn, topic, message, Instant.now()));
        }
    }

    /** The messages published so far, oldest first (at most the last {@value #KEPT}). */
    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Whether {@code arn} names an SNS topic. */
    static boolean isTopic(String arn) {
        return arn.startsWith("arn:aws:sns:") || arn.matches("arn:[a-z-]+:sns:.*");
    }
}
