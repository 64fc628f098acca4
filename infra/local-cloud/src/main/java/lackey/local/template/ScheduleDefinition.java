package lackey.local.template;

import java.util.Optional;

/**
 * A function's {@code Schedule} event in template.yaml: a scheduled EventBridge rule that invokes it.
 *
 * @param name       the event's name in the template
 * @param expression {@code rate(...)} or {@code cron(...)}
 * @param enabled    whether the rule is enabled ({@code Enabled}, or {@code State: ENABLED})
 * @param input      the constant JSON input, when the template gives one
 */
public record ScheduleDefinition(String name, String expression, boolean enabled, Optional<String> input) {
}
