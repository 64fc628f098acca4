package lackey.local.template;

import java.util.Optional;

/**
 * One target of an EventBridge rule, with what it is sent.
 *
 * @param id               the target's id
 * @param arn              the target's ARN, resolved
 * @param function         logical id of the template's function the ARN names, if it names one
 * @param input            constant JSON input ({@code Input})
 * @param inputPath        JSON path into the event ({@code InputPath})
 * @param inputTransformer the {@code InputTransformer}
 * @param ecsTask          the ECS task to run, when the target has {@code EcsParameters}
 * @param retryPolicy      its {@code RetryPolicy} ({@link RetryPolicy#DEFAULT} when it has none)
 * @param deadLetterArn    the queue of its {@code DeadLetterConfig}: where an event it did not take goes
 */
public record RuleTarget(String id, String arn, Optional<String> function, Optional<String> input,
                         Optional<String> inputPath, Optional<InputTransformerDefinition> inputTransformer,
                         Optional<EcsTaskTarget> ecsTask, RetryPolicy retryPolicy, Optional<String> deadLetterArn) {

    /** A target with EventBridge's default retries and no dead-letter queue. */
    public RuleTarget(String id, String arn, Optional<String> function, Optional<String> input,
                      Optional<String> inputPath, Optional<InputTransformerDefinition> inputTransformer,
                      Optional<EcsTaskTarget> ecsTask) {
        this(id, arn, function, input, inputPath, inputTransformer, ecsTask, RetryPolicy.DEFAULT, Optional.empty());
    }
}
