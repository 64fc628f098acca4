package lackey.local.template;

import java.time.Duration;

/**
 * An {@code AWS::SQS::Queue} of template.yaml (the dead-letter queues of EventBridge targets), as the local cloud
 * keeps it: in memory.
 *
 * @param logicalId         the logical id
 * @param name              the queue's name ({@code DispatchDeadLetterQueue} in stack {@code lackey} is
 *                          {@code lackey-dispatch-dead-letter})
 * @param arn               its ARN, as {@code !GetAtt <logicalId>.Arn} gives it
 * @param visibilityTimeout {@code VisibilityTimeout} (SQS's default 30 s when absent): how long a message handed to a
 *                          consumer stays hidden before it is delivered again
 */
public record QueueDefinition(String logicalId, String name, String arn, Duration visibilityTimeout) {
}
