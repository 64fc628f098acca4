package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * An ECS task a rule target runs: its {@code EcsParameters} and the containers of the task definition
 * it names, when that task definition is in template.yaml.
 *
 * @param ecsParameters the resolved {@code EcsParameters}
 * @param containers    the task definition's containers, with their own command and environment
 */
public record EcsTaskTarget(JsonNode ecsParameters, List<ContainerDefinition> containers) {

    public EcsTaskTarget {
        containers = List.copyOf(containers);
    }

    /** The container called {@code name}, or the only one when the name is absent. */
    public Optional<ContainerDefinition> container(String name) {
        if (name == null && containers.size() == 1) {
            return Optional.of(containers.getFirst());
        }
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
