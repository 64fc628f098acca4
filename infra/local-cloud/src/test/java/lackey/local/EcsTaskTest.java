package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import lackey.emulators.ProjectLayout;
import lackey.local.template.ClusterDefinition;
import lackey.local.template.LocalNames;
import lackey.local.template.RuleTarget;
import lackey.local.template.SamTemplate;
import org.junit.jupiter.api.Test;

/** The identity and JSON of a local ECS task, against the cluster and task definition template.yaml gives. */
class EcsTaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SamTemplate TEMPLATE = SamTemplate.read(ProjectLayout.find().root().resolve("template.yaml"),
            LocalNames.local("http://127.0.0.1:8000"));
    private static final Instant CREATED = Instant.parse("2026-11-27T18:00:00.123Z");

    private static ClusterDefinition cluster() {
        return TEMPLATE.clusters().stream().filter(c -> c.logicalId().equals("SimulationCluster")).findFirst().orElseThrow();
    }

    // The dispatch rule's ECS target, as the local cloud reads it.
    private static RuleTarget dispatchTarget() {
        return TEMPLATE.rules().stream().flatMap(rule -> rule.targets().stream())
                .filter(target -> target.ecsTask().isPresent()).findFirst().orElseThrow();
    }

    private static EcsTask.Definition definition() {
        RuleTarget target = dispatchTarget();
        return new EcsTask.Definition(target.arn(), target.ecsTask().get().ecsParameters().path("TaskDefinitionArn").asText(),
                "FARGATE", "simulation", "public.ecr.aws/amazonlinux/amazonlinux:2023", "events-rule/dispatch", "42");
    }

    @Test
    void theSimulationClusterHasItsLocalPhysicalNameAndTheDispatchRuleTargetsIt() {
        assertEquals("lackey-simulation", cluster().name());
        assertEquals("arn:aws:ecs:us-east-1:000000000000:cluster/lackey-simulation", cluster().arn());
        assertEquals(cluster().arn(), dispatchTarget().arn());
        assertTrue(dispatchTarget().ecsTask().get().ecsParameters().path("TaskDefinitionArn").asText()
                .endsWith(":task-definition/lackey-simulation:1"));
    }

    @Test
    void taskArnIsTheLongFormatWithTheClusterNameAndThirtyTwoHexDigits() {
        EcsTask first = EcsTask.create(definition(), CREATED);
        EcsTask second = EcsTask.create(definition(), CREATED);
        String pattern = "arn:aws:ecs:us-east-1:000000000000:task/lackey-simulation/[0-9a-f]{32}";
        assertTrue(first.arn().matches(pattern), first.arn());
        assertTrue(first.id().matches("[0-9a-f]{32}"), first.id());
        assertTrue(first.arn().endsWith("/" + first.id()));
        assertNotEquals(first.id(), second.id());
    }

    @Test
    void taskArnNeedsAClusterArn() {
        assertThrows(IllegalArgumentException.class, () -> EcsTask.taskArn("lackey-simulation", "ab"));
        assertThrows(IllegalArgumentException.class, () -> EcsTask.taskArn("arn:aws:ecs:us-east-1:0:cluster/", "ab"));
        assertEquals("arn:aws:ecs:eu-west-1:1:task/c/ab", EcsTask.taskArn("arn:aws:ecs:eu-west-1:1:cluster/c", "ab"));
    }

    @Test
    void taskMetadataIsShapedLikeTheV4Endpoint() throws Exception {
        EcsTask task = EcsTask.create(definition(), "0123456789abcdef0123456789abcdef", CREATED);
        task.running(CREATED.plusSeconds(1));
        JsonNode metadata = JSON.readTree(task.taskMetadataJson().toString());

        assertEquals(cluster().arn(), metadata.path("Cluster").asText());
        assertEquals(task.arn(), metadata.path("TaskARN").asText());
        assertEquals("lackey-simulation", metadata.path("Family").asText(), "the task definition's Family: ${AWS::StackName}-simulation");
        assertEquals("1", metadata.path("Revision").asText());
        assertEquals("RUNNING", metadata.path("DesiredStatus").asText());
        assertEquals("RUNNING", metadata.path("KnownStatus").asText());
        assertEquals("FARGATE", metadata.path("LaunchType").asText());
        assertEquals(1, metadata.path("Containers").size());
        JsonNode container = metadata.path("Containers").path(0);
        assertEquals("simulation", container.path("Name").asText());
        assertEquals("public.ecr.aws/amazonlinux/amazonlinux:2023", container.path("Image").asText());
        assertEquals(task.arn(), container.path("Labels").path("com.amazonaws.ecs.task-arn").asText());
        assertEquals("lackey-simulation", container.path("Labels").path("com.amazonaws.ecs.task-definition-family").asText());
        assertTrue(container.path("DockerId").asText().matches("0123456789abcdef0123456789abcdef-\\d{10}"),
                container.path("DockerId").asText());
        assertEquals("2026-11-27T18:00:01.123Z", container.path("StartedAt").asText());
        assertEquals("NORMAL", container.path("Type").asText());
        assertTrue(container.path("ContainerARN").asText().startsWith(
                "arn:aws:ecs:us-east-1:000000000000:container/lackey-simulation/0123456789abcdef0123456789abcdef/"));
        assertEquals(container, JSON.readTree(task.containerMetadataJson().toString()), "GET ${ECS_CONTAINER_METADATA_URI_V4}");
    }

    @Test
    void theTaskArnCanBeReadFromTheMetadataWithSedAsTheSimulationsDo() throws Exception {
        EcsTask task = EcsTask.create(definition(), CREATED);
        Process sed = new ProcessBuilder("sed", "-n", "s/.*\"TaskARN\" *: *\"\\([^\"]*\\)\".*/\\1/p").start();
        try (var in = sed.getOutputStream()) {
            in.write(task.taskMetadataJson().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(sed.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals(0, sed.waitFor());
        assertEquals(task.arn(), out);
    }

    @Test
    void stopRequestThenExitIsAUserInitiatedStopWithTheReasonAndExitCode() throws Exception {
        EcsTask task = EcsTask.create(definition(), CREATED);
        task.running(CREATED);
        assertTrue(task.stopRequested("run 42 cancelled", CREATED.plusSeconds(10)));
        JsonNode stopping = JSON.readTree(task.apiJson().toString());
        assertEquals("RUNNING", stopping.path("lastStatus").asText(), "still running until the process is gone");
        assertEquals("STOPPED", stopping.path("desiredStatus").asText());
        assertEquals("run 42 cancelled", stopping.path("stoppedReason").asText());
        assertEquals("UserInitiated", stopping.path("stopCode").asText());
        assertFalse(task.stopRequested("again", CREATED.plusSeconds(11)), "a second StopTask changes nothing");

        task.exited(143, CREATED.plusSeconds(12));
        JsonNode stopped = JSON.readTree(task.apiJson().toString());
        assertEquals(task.arn(), stopped.path("taskArn").asText());
        assertEquals(cluster().arn(), stopped.path("clusterArn").asText());
        assertEquals("STOPPED", stopped.path("lastStatus").asText());
        assertEquals("run 42 cancelled", stopped.path("stoppedReason").asText());
        assertEquals(143, stopped.path("containers").path(0).path("exitCode").asInt());
        assertEquals("family:lackey-simulation", stopped.path("group").asText());
        assertEquals("events-rule/dispatch", stopped.path("startedBy").asText());
        assertTrue(stopped.path("stoppedAt").isNumber(), "AWS JSON 1.1 times are epoch seconds");
        assertEquals(CREATED.plusSeconds(12).toEpochMilli() / 1000.0, stopped.path("stoppedAt").asDouble(), 0.0005);
        assertEquals(CREATED.toEpochMilli() / 1000.0, stopped.path("createdAt").asDouble(), 0.0005);
        assertEquals("STOPPED", JSON.readTree(task.taskMetadataJson().toString()).path("KnownStatus").asText());
    }

    @Test
    void aProcessThatEndsByItselfStopsItsTaskAsAnExitedEssentialContainer() {
        EcsTask task = EcsTask.create(definition(), CREATED);
        task.running(CREATED);
        task.exited(0, CREATED.plusSeconds(5));
        JsonNode stopped = task.apiJson();
        assertEquals("STOPPED", stopped.path("lastStatus").asText());
        assertEquals("STOPPED", stopped.path("desiredStatus").asText());
        assertEquals("EssentialContainerExited", stopped.path("stopCode").asText());
        assertEquals(0, stopped.path("containers").path(0).path("exitCode").asInt());
        assertFalse(task.stopRequested(null, CREATED.plusSeconds(6)), "nothing left to stop");
        assertTrue(task.stoppedBefore(CREATED.plusSeconds(6)));
        assertFalse(task.stoppedBefore(CREATED.plusSeconds(4)));
    }

    @Test
    void aCommandThatCannotStartIsATaskThatFailedToStart() {
        EcsTask task = EcsTask.create(definition(), CREATED);
        task.running(CREATED);
        task.failedToStart("no such file", CREATED.plusSeconds(1));
        JsonNode stopped = task.apiJson();
        assertEquals("STOPPED", stopped.path("lastStatus").asText());
        assertEquals("TaskFailedToStart", stopped.path("stopCode").asText());
        assertTrue(stopped.path("stoppedReason").asText().contains("no such file"));
    }
}
