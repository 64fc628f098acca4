package lackey.local.template;

import java.util.Map;

/**
 * A rule target's {@code InputTransformer}, its template already resolved ({@code Fn::Sub} applied).
 *
 * @param inputPathsMap variable name to JSON path into the event, e.g. {@code id -> $.detail.id}
 * @param inputTemplate the text with {@code <variable>} placeholders
 */
public record InputTransformerDefinition(Map<String, String> inputPathsMap, String inputTemplate) {

    public InputTransformerDefinition {
        inputPathsMap = Map.copyOf(inputPathsMap);
    }
}
