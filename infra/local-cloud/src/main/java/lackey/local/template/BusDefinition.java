package lackey.local.template;

/**
 * An {@code AWS::Events::EventBus} of template.yaml with its name.
 *
 * @param logicalId the logical id
 * @param name      the bus name
 */
public record BusDefinition(String logicalId, String name) {
}
