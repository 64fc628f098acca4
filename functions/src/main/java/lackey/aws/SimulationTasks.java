package lackey.aws;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/**
 * The simulations' ECS tasks, as far as lackey touches them: stopping one when its run is cancelled.
 * The cluster comes from {@code LACKEY_CLUSTER}; the endpoint from the SDK's standard settings.
 */
public final class SimulationTasks {

    private final EcsClient ecs;
    private final String cluster;

    public SimulationTasks(EcsClient ecs, String cluster) {
        this.ecs = ecs;
        this.cluster = cluster;
    }

    public static SimulationTasks fromEnvironment() {
        Map<String, String> env = System.getenv();
        String cluster = env.get("LACKEY_CLUSTER");
        String region = env.get("AWS_REGION");
        if (cluster == null || cluster.isBlank() || region == null || region.isBlank()) {
            throw new IllegalStateException("lackey cannot stop simulations: LACKEY_CLUSTER and AWS_REGION must be set");
        }
        return new SimulationTasks(EcsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClientBuilder(CallBudget.ECS.httpClient())
                .overrideConfiguration(CallBudget.ECS.overrides())
                .build(), cluster);
    }

    /**
     * Asks ECS to stop the task.
     * @return false if ECS no longer knows the task (it ended long ago): nothing left to stop
     */
    public boolean stop(String taskArn, String reason) {
        try {
            ecs.stopTask(stop -> stop.cluster(cluster).task(taskArn).reason(reason));
            return true;
        } catch (InvalidParameterException gone) {
            return false;
        }
    }
}
