package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * A dispatched run's ECS task in the local cloud, end to end: the run is scheduled over HTTP with
 * {@code infra/simulations/sleepy.sh}, the process learns its task ARN from its metadata endpoint and
 * reports it with its start; StopTask through a real AWS SDK EcsClient (pointed at the endpoint local.env
 * names), or cancelling the run, stops its whole process tree, after which DescribeTasks says STOPPED.
 */
class EcsTasksLocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern SLEEPY = Pattern.compile("sleepy: run (\\d+), process (\\d+), task (\\S+),");

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static EcsClient ecs(Map<String, String> env) {
        return EcsClient.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_ECS")))
                .region(Region.of(env.get("AWS_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** A dispatched sleepy.sh run that has reported its start, its task ARN, and its process tree. */
    private record Sleepy(long id, String taskArn, List<ProcessHandle> family) {
    }

    private static Sleepy startSleepy() throws Exception {
        HttpResponse<String> scheduled = LOCAL.call("POST", "/api/run", "name=sleepy&command=sh%20infra/simulations/sleepy.sh");
        assertEquals(201, scheduled.statusCode(), scheduled.body());
        long id = JSON.readTree(scheduled.body()).path("id").asLong();

        // RUNNING once sleepy.sh has reported its start; by then it has printed what its metadata told it.
        JsonNode run = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(LOCAL.call("GET", "/api/run/" + id, null).body());
            if (!run.path("status").asText().equals("SCHEDULED")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("RUNNING", run.path("status").asText(), run + "\n" + LOCAL.output(id));
        Matcher reported = SLEEPY.matcher(LOCAL.output(id));
        assertTrue(reported.find(), LOCAL.output(id));
        assertEquals(Long.toString(id), reported.group(1));
        String taskArn = reported.group(3);
        assertTrue(taskArn.matches("arn:aws:ecs:us-east-1:000000000000:task/lackey-simulation/[0-9a-f]{32}"),
                "the task ARN from ECS_CONTAINER_METADATA_URI_V4/task: " + taskArn);
        assertEquals(taskArn, run.path("taskArn").asText(), "the start call reported the task");

        // The simulation's process tree: sh -c, sleepy.sh's own shell (the process it reported), its sleep.
        ProcessHandle sh = LOCAL.cloud().runningSimulations().stream().filter(process -> process.descendants()
                .anyMatch(child -> child.pid() == Long.parseLong(reported.group(2)))).findFirst()
                .orElseThrow(() -> new AssertionError("sleepy.sh's shell " + reported.group(2) + " is not a simulation's"));
        List<ProcessHandle> family = new ArrayList<>(sh.descendants().toList());
        family.add(sh);
        return new Sleepy(id, taskArn, family);
    }

    private static void assertGone(Sleepy sleepy) throws Exception {
        for (ProcessHandle member : sleepy.family()) {
            member.onExit().get(15, TimeUnit.SECONDS);
            assertFalse(member.isAlive(), "process " + member.pid() + " of run " + sleepy.id() + " still alive");
        }
    }

    private static Task awaitStopped(EcsClient ecs, String taskArn) throws Exception {
        Task task = ecs.describeTasks(b -> b.cluster("lackey-simulation").tasks(taskArn)).tasks().getFirst();
        for (long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
             !task.lastStatus().equals("STOPPED") && System.nanoTime() < wait; Thread.sleep(50)) {
            task = ecs.describeTasks(b -> b.cluster("lackey-simulation").tasks(taskArn)).tasks().getFirst();
        }
        return task;
    }

    @Test
    void stopTaskEndsARunningSimulationAndItsWholeProcessTree() throws Exception {
        Map<String, String> env = LocalEnvFile.read(LOCAL.cloud().localEnvFile());
        assertEquals(LOCAL.cloud().ecsEndpoint().toString(), env.get("AWS_ENDPOINT_URL_ECS"), "local.env points AWS tools at the local ECS");
        Sleepy sleepy = startSleepy();
        String taskArn = sleepy.taskArn();

        try (EcsClient ecs = ecs(env)) {
            assertTrue(ecs.listTasks(b -> b.cluster("lackey-simulation")).taskArns().contains(taskArn));
            Task running = ecs.describeTasks(b -> b.cluster("lackey-simulation").tasks(taskArn)).tasks().getFirst();
            assertEquals("RUNNING", running.lastStatus());
            assertEquals("events-rule/" + LOCAL.cloud().template().rules().stream()
                    .filter(rule -> rule.logicalId().equals("DispatchRunRule")).findFirst().orElseThrow().name(), running.startedBy());

            long id = sleepy.id();
            Task stopping = ecs.stopTask(b -> b.cluster("lackey-simulation").task(taskArn).reason("run " + id + " cancelled")).task();
            assertEquals("STOPPED", stopping.desiredStatus());
            assertEquals("run " + id + " cancelled", stopping.stoppedReason());

            assertGone(sleepy);
            Task stopped = awaitStopped(ecs, taskArn);
            assertEquals("STOPPED", stopped.lastStatus());
            assertEquals(TaskStopCode.USER_INITIATED, stopped.stopCode());
            assertEquals(143, stopped.containers().getFirst().exitCode(), "ended by SIGTERM\n" + LOCAL.output(id));
            assertFalse(ecs.listTasks(b -> b.cluster("lackey-simulation")).taskArns().contains(taskArn));
        }
        assertTrue(LOCAL.output(sleepy.id()).contains("sleepy: SIGTERM"), "sleepy.sh saw the SIGTERM and stopped\n" + LOCAL.output(sleepy.id()));
    }

    @Test
    void cancellingADispatchedRunStopsItsTaskThroughTheStopSimulationFunction() throws Exception {
        Sleepy sleepy = startSleepy();
        HttpResponse<String> cancelled = LOCAL.call("PUT", "/api/run/cancel/" + sleepy.id(), null);
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("CANCELLED", JSON.readTree(cancelled.body()).path("status").asText());

        // "Run Cancelled" -> the rule -> StopSimulationFunction -> EcsClient (AWS_ENDPOINT_URL_ECS) -> the local ECS.
        assertGone(sleepy);
        try (EcsClient ecs = ecs(LocalEnvFile.read(LOCAL.cloud().localEnvFile()))) {
            Task stopped = awaitStopped(ecs, sleepy.taskArn());
            assertEquals("STOPPED", stopped.lastStatus());
            assertEquals(TaskStopCode.USER_INITIATED, stopped.stopCode(), "stopped by StopTask, not by its own end");
        }
        assertEquals("CANCELLED", JSON.readTree(LOCAL.call("GET", "/api/run/" + sleepy.id(), null).body()).path("status").asText());
    }
}
