package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lackey.local.template.ClusterDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.StopTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The local ECS with real processes on a loopback port: each task's process reads its own metadata, and
 * StopTask, DescribeTasks and ListTasks answer an AWS SDK EcsClient as ECS would, errors included.
 */
class LocalEcsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ClusterDefinition CLUSTER = new ClusterDefinition("SimulationCluster", "lackey-simulation",
            "arn:aws:ecs:us-east-1:000000000000:cluster/lackey-simulation");
    private static final String TASK_DEFINITION = "arn:aws:ecs:us-east-1:000000000000:task-definition/lackey-simulation:1";

    @TempDir
    Path dir;

    private Simulations simulations;
    private LocalEcs ecs;
    private EcsClient client;

    @BeforeEach
    void start() throws Exception {
        simulations = new Simulations(dir, dir.resolve("runs"), Map.of(), new PrintStream(PrintStream.nullOutputStream()));
        ecs = LocalEcs.start(LocalEcs.bind(0), List.of(CLUSTER), simulations, new PrintStream(PrintStream.nullOutputStream()));
        client = EcsClient.builder().endpointOverride(ecs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        ecs.close();
        simulations.close();
    }

    private EcsTask run(String runId, String script) {
        return ecs.runTask(new EcsTask.Definition(CLUSTER.arn(), TASK_DEFINITION, "FARGATE", "simulation", "image:1",
                "events-rule/test", runId), List.of("sh", "-c", script), Map.of());
    }

    private String output(String runId) throws Exception {
        Path file = dir.resolve("runs").resolve(runId + ".out");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    // The process and everything it started, while it runs.
    private static List<ProcessHandle> family(EcsTask task) {
        ProcessHandle process = task.process().orElseThrow();
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process);
        return family;
    }

    private static void awaitGone(List<ProcessHandle> family, long seconds) throws Exception {
        for (ProcessHandle member : family) {
            member.onExit().get(seconds, TimeUnit.SECONDS);
            assertFalse(member.isAlive(), "process " + member.pid() + " still alive");
        }
    }

    private Task describe(EcsTask task) {
        DescribeTasksResponse described = client.describeTasks(b -> b.cluster("lackey-simulation").tasks(task.arn()));
        assertEquals(1, described.tasks().size(), described.toString());
        return described.tasks().getFirst();
    }

    private Task awaitStopped(EcsTask task) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Task described = describe(task);
        while (!described.lastStatus().equals("STOPPED") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            described = describe(task);
        }
        return described;
    }

    @Test
    void aTaskReadsItsOwnTaskAndContainerMetadata() throws Exception {
        EcsTask task = run("7", "curl -sS -f \"$ECS_CONTAINER_METADATA_URI_V4/task\"; echo; curl -sS -f \"$ECS_CONTAINER_METADATA_URI_V4\"");
        task.process().orElseThrow().onExit().get(20, TimeUnit.SECONDS);
        String[] lines = output("7").strip().split("\n");
        assertEquals(2, lines.length, output("7"));
        JsonNode taskMetadata = JSON.readTree(lines[0]);
        assertEquals(task.arn(), taskMetadata.path("TaskARN").asText());
        assertEquals(CLUSTER.arn(), taskMetadata.path("Cluster").asText());
        assertEquals("RUNNING", taskMetadata.path("KnownStatus").asText(), "the task runs while its process asks");
        assertEquals("simulation", taskMetadata.path("Containers").path(0).path("Name").asText());
        assertEquals("simulation", JSON.readTree(lines[1]).path("Name").asText());
        assertEquals(task.arn(), JSON.readTree(lines[1]).path("Labels").path("com.amazonaws.ecs.task-arn").asText());
    }

    @Test
    void metadataOfAnUnknownTaskIsA404() throws Exception {
        run("8", "true");
        for (String path : List.of("/v4/0123456789abcdef0123456789abcdef/task", "/v4/0123456789abcdef0123456789abcdef", "/v4/")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ecs.endpoint() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode(), path);
        }
    }

    @Test
    void stopTaskSendsSigtermToTheWholeProcessTreeAndDescribeTasksSaysStopped() throws Exception {
        EcsTask task = run("9", "sleep 300; echo never");
        Thread.sleep(300); // let sh start its child
        List<ProcessHandle> family = family(task);
        assertTrue(family.size() >= 2, "sh and its sleep: " + family);
        assertEquals("RUNNING", describe(task).lastStatus());

        StopTaskResponse stopped = client.stopTask(b -> b.cluster("lackey-simulation").task(task.arn()).reason("run 9 cancelled"));
        assertEquals(task.arn(), stopped.task().taskArn());
        assertEquals("STOPPED", stopped.task().desiredStatus());
        assertEquals("run 9 cancelled", stopped.task().stoppedReason());

        awaitGone(family, 10);
        Task described = awaitStopped(task);
        assertEquals("STOPPED", described.lastStatus());
        assertEquals(TaskStopCode.USER_INITIATED, described.stopCode());
        assertEquals("run 9 cancelled", described.stoppedReason());
        assertEquals(143, described.containers().getFirst().exitCode(), "ended by SIGTERM");
        assertTrue(described.stoppedAt().isAfter(described.startedAt()) || described.stoppedAt().equals(described.startedAt()));
        assertFalse(output("9").contains("never"));
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAFewSecondsLater() throws Exception {
        // An ignored signal stays ignored in children, so neither sh nor its sleep dies of SIGTERM.
        EcsTask task = run("10", "trap '' TERM; sleep 300");
        Thread.sleep(300);
        List<ProcessHandle> family = family(task);
        long before = System.nanoTime();
        client.stopTask(b -> b.cluster(CLUSTER.arn()).task(task.id()));
        awaitGone(family, 15);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        assertTrue(took >= 2_000, "SIGKILL came after " + took + " ms: it should follow a few seconds after SIGTERM");
        Task described = awaitStopped(task);
        assertEquals(137, described.containers().getFirst().exitCode(), "ended by SIGKILL");
        assertEquals(EcsTask.DEFAULT_STOP_REASON, described.stoppedReason());
    }

    @Test
    void stoppingAStoppedTaskChangesNothing() throws Exception {
        EcsTask task = run("11", "exit 3");
        task.process().orElseThrow().onExit().get(10, TimeUnit.SECONDS);
        Task ended = awaitStopped(task);
        assertEquals(TaskStopCode.ESSENTIAL_CONTAINER_EXITED, ended.stopCode());
        assertEquals(3, ended.containers().getFirst().exitCode());
        Task again = client.stopTask(b -> b.cluster("lackey-simulation").task(task.arn()).reason("too late")).task();
        assertEquals("STOPPED", again.lastStatus());
        assertEquals(TaskStopCode.ESSENTIAL_CONTAINER_EXITED, again.stopCode());
        assertEquals("Essential container in task exited", again.stoppedReason());
    }

    @Test
    void aTaskThatCannotStartStopsWithTaskFailedToStartAndEcsSaysWhy() throws Exception {
        List<ObjectNode> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalEcs failing = LocalEcs.start(LocalEcs.bind(0), List.of(CLUSTER), simulations,
                new PrintStream(PrintStream.nullOutputStream()), task -> told.add(task.eventDetailJson()))) {
            failing.failNextTasks(1, "CannotPullContainerError: pull access denied");
            ObjectNode overrides = JSON.createObjectNode();
            overrides.putArray("containerOverrides").addObject().put("name", "simulation").putArray("environment")
                    .addObject().put("name", "LACKEY_RUN_ID").put("value", "13");
            EcsTask task = failing.runTask(new EcsTask.Definition(CLUSTER.arn(), TASK_DEFINITION, "FARGATE", "simulation",
                    "image:1", "events-rule/test", "13", overrides), List.of("sh", "-c", "echo never"), Map.of());
            assertEquals("STOPPED", task.lastStatus());
            assertTrue(task.process().isEmpty(), "no process was started");
            assertEquals(1, told.size(), "one state change: STOPPED");
            JsonNode event = told.getFirst();
            assertEquals("TaskFailedToStart", event.path("stopCode").asText());
            assertEquals("CannotPullContainerError: pull access denied", event.path("stoppedReason").asText());
            assertEquals("CannotPullContainerError: pull access denied", event.at("/containers/0/reason").asText());
            assertEquals(overrides, event.path("overrides"), "the event shows RunTask's overrides, as ECS's do");
            assertTrue(event.path("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                    event.toString());

            EcsTask next = failing.runTask(new EcsTask.Definition(CLUSTER.arn(), TASK_DEFINITION, "FARGATE", "simulation",
                    "image:1", "events-rule/test", "14"), List.of("sh", "-c", "exit 3"), Map.of());
            next.process().orElseThrow().onExit().get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (told.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of("STOPPED", "RUNNING", "STOPPED"), told.stream().map(t -> t.path("lastStatus").asText()).toList(),
                    "only the next task failed; the one after ran and told of each change");
            assertEquals("EssentialContainerExited", told.get(2).path("stopCode").asText());
            assertEquals(3, told.get(2).at("/containers/0/exitCode").asInt());
            assertTrue(told.get(2).path("version").asLong() > told.get(1).path("version").asLong());
        }
    }

    @Test
    void runTaskRefusesSubnetsAndSecurityGroupsThatAreNoIds() {
        ObjectNode network = JSON.createObjectNode();
        network.putArray("Subnets").add("subnet-0a1b2c3d").add("subnet-bad");
        network.putArray("SecurityGroups").add("sg-0a1b2c3d4e5f60718");
        var definition = new EcsTask.Definition(CLUSTER.arn(), TASK_DEFINITION, "FARGATE", "simulation", "image:1",
                "events-rule/test", "15");
        RunTaskRefused refused = assertThrows(RunTaskRefused.class,
                () -> ecs.runTask(definition, network, List.of("sh", "-c", "true"), Map.of()));
        assertEquals("InvalidParameterException", refused.type());
        assertTrue(refused.getMessage().contains("'subnet-bad' is malformed"), refused.getMessage());
        assertFalse(refused.retryable(), "asking again gets the same answer");

        ((com.fasterxml.jackson.databind.node.ArrayNode) network.get("Subnets")).remove(1);
        assertEquals("RUNNING", ecs.runTask(definition, network, List.of("sh", "-c", "sleep 1"), Map.of()).lastStatus());
        assertEquals("RUNNING", ecs.runTask(definition, JSON.createObjectNode(), List.of("sh", "-c", "sleep 1"), Map.of())
                .lastStatus(), "no network configuration: there is no VPC locally");
    }

    @Test
    void unknownTaskIsAnInvalidParameterExceptionAsEcsAnswers() {
        run("12", "true");
        InvalidParameterException error = assertThrows(InvalidParameterException.class, () -> client.stopTask(b -> b
                .cluster("lackey-simulation").task("arn:aws:ecs:us-east-1:000000000000:task/lackey-simulation/"
                        + "0123456789abcdef0123456789abcdef")));
        assertEquals(400, error.statusCode());
        assertEquals("The referenced task was not found.", error.awsErrorDetails().errorMessage());
    }

    @Test
    void aTaskIsOnlyFoundInItsOwnCluster() {
        EcsTask task = run("13", "sleep 30");
        ClusterNotFoundException noSuchCluster = assertThrows(ClusterNotFoundException.class,
                () -> client.stopTask(b -> b.cluster("elsewhere").task(task.arn())));
        assertEquals(400, noSuchCluster.statusCode());
        assertThrows(ClusterNotFoundException.class, () -> client.stopTask(b -> b.task(task.arn())),
                "no cluster means the default cluster, which the template does not have");
        assertEquals(DesiredStatus.RUNNING.toString(), describe(task).desiredStatus(), "neither call stopped it");
    }

    @Test
    void describeTasksListsUnknownTasksAsFailures() {
        EcsTask task = run("14", "sleep 30");
        DescribeTasksResponse described = client.describeTasks(b -> b.cluster("lackey-simulation")
                .tasks(task.id(), "ffffffffffffffffffffffffffffffff"));
        assertEquals(List.of(task.arn()), described.tasks().stream().map(Task::taskArn).toList());
        assertEquals(1, described.failures().size());
        assertEquals("MISSING", described.failures().getFirst().reason());
        assertEquals("ffffffffffffffffffffffffffffffff", described.failures().getFirst().arn());
    }

    @Test
    void listTasksShowsRunningTasksOrStoppedOnesWhenAsked() throws Exception {
        EcsTask running = run("15", "sleep 30");
        EcsTask done = run("16", "true");
        done.process().orElseThrow().onExit().get(10, TimeUnit.SECONDS);
        awaitStopped(done);
        assertEquals(List.of(running.arn()), client.listTasks(b -> b.cluster("lackey-simulation")).taskArns());
        assertEquals(List.of(done.arn()), client.listTasks(b -> b.cluster("lackey-simulation")
                .desiredStatus(DesiredStatus.STOPPED)).taskArns());
        assertEquals(List.of(), client.listTasks(b -> b.cluster("lackey-simulation").startedBy("someone-else")).taskArns());
    }

    @Test
    void otherOperationsAreUnknownOperations() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ecs.endpoint())
                .header("X-Amz-Target", LocalEcs.TARGET_PREFIX + "RunTask")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals("UnknownOperationException", JSON.readTree(response.body()).path("__type").asText());
        assertEquals("application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElse(""));
    }
}
