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
 */
public record RuleTarget(String id, String arn, Optional<String> function, Optional<String> input,
                         Optional<String> inputPath, Optional<InputTransformerDefinition> inputTransformer,
                         Optional<EcsTaskTarget> ecsTask) {
}
