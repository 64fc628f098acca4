package lackey.local.template;

/**
 * An {@code AWS::ECS::Cluster} of template.yaml: where dispatched runs' tasks run, locally as processes.
 *
 * @param logicalId the logical id
 * @param name      the cluster name ({@code SimulationCluster} in stack {@code lackey} is {@code lackey-simulation})
 * @param arn       its ARN, as {@code !GetAtt <logicalId>.Arn} gives it
 */
public record ClusterDefinition(String logicalId, String name, String arn) {
}
