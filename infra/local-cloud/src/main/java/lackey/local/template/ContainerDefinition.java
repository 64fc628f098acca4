package lackey.local.template;

import java.util.List;
import java.util.Map;

/**
 * A container of an {@code AWS::ECS::TaskDefinition}: what runs when no override says otherwise.
 *
 * @param name        the container name
 * @param image       its {@code Image}, resolved (locally only reported, e.g. in the task metadata)
 * @param command     its {@code Command} (empty when the image's default applies)
 * @param environment its {@code Environment}, resolved
 */
public record ContainerDefinition(String name, String image, List<String> command, Map<String, String> environment) {

    public ContainerDefinition {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
