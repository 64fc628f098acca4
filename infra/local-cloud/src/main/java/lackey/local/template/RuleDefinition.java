package lackey.local.template;

import java.util.List;
import java.util.Optional;

/**
 * An EventBridge rule: an {@code AWS::Events::Rule} of template.yaml, or one SAM makes from a function's
 * {@code Schedule} or {@code EventBridgeRule} event (logical id = function id + event name, as SAM names it).
 *
 * @param logicalId          the logical id
 * @param name               the rule name
 * @param busName            the bus it listens on ({@code default} when the template names none)
 * @param eventPattern       the event pattern as JSON, for pattern rules
 * @param scheduleExpression {@code rate(...)} or {@code cron(...)}, for scheduled rules
 * @param enabled            whether the rule is enabled
 * @param targets            where matching events go
 */
public record RuleDefinition(String logicalId, String name, String busName, Optional<String> eventPattern,
                             Optional<String> scheduleExpression, boolean enabled, List<RuleTarget> targets) {

    public RuleDefinition {
        targets = List.copyOf(targets);
    }
}
