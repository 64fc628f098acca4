package lackey.local;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One ECS task of the local cloud: a dispatched run's process, with the identity ECS gives a task (ARN,
 * cluster, task definition family and revision, container) and its life as ECS reports it. It renders
 * itself as the ECS API's {@code Task} and as the task metadata endpoint v4's task and container JSON.
 */
final class EcsTask {

    static final String RUNNING = "RUNNING";
    static final String STOPPED = "STOPPED";
    /** What ECS says when StopTask names no reason. */
    static final String DEFAULT_STOP_REASON = "Task stopped by user";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String arn;
    private final String clusterArn;
    private final String taskDefinitionArn;
    private final String family;
    private final String revision;
    private final String launchType;
    private final String containerName;
    private final String containerArn;
    private final String image;
    private final String startedBy;
    private final String runId;
    private final ObjectNode overrides;
    private final Instant createdAt;

    // guarded by this
    private String lastStatus = "PROVISIONING";
    private String desiredStatus = RUNNING;
    private Instant startedAt;
    private Instant stoppingAt;
    private Instant stoppedAt;
    private String stopCode;
    private String stoppedReason;
    private Integer exitCode;
    private String containerReason;
    private ProcessHandle process;
    private long version = 1;

    /**
     * What a task is started from.
     *
     * @param clusterArn        the cluster's ARN (the rule target's {@code Arn})
     * @param taskDefinitionArn {@code EcsParameters.TaskDefinitionArn}, e.g. {@code …:task-definition/lackey-simulation:1}
     * @param launchType        {@code EcsParameters.LaunchType}
     * @param containerName     the container's name in the task definition
     * @param image             the container's image (reported only: locally the command runs as a process)
     * @param startedBy         who started it, as ECS records it ({@code events-rule/<rule name>})
     * @param runId             the run the task is for
     * @param overrides         RunTask's {@code overrides} ({@code containerOverrides}: command, environment), as the
     *                          task's state change events show them
     */
    record Definition(String clusterArn, String taskDefinitionArn, String launchType, String containerName,
                      String image, String startedBy, String runId, ObjectNode overrides) {

        /** A task without overrides. */
        Definition(String clusterArn, String taskDefinitionArn, String launchType, String containerName,
                   String image, String startedBy, String runId) {
            this(clusterArn, taskDefinitionArn, launchType, containerName, image, startedBy, runId, null);
        }

        Definition {
            overrides = overrides == null ? NODES.objectNode() : overrides.deepCopy();
            Objects.requireNonNull(clusterArn, "clusterArn");
            Objects.requireNonNull(taskDefinitionArn, "taskDefinitionArn");
            Objects.requireNonNull(containerName, "containerName");
            launchType = launchType == null || launchType.isBlank() ? "FARGATE" : launchType;
            image = image == null ? "" : image;
            startedBy = startedBy == null ? "" : startedBy;
            runId = runId == null ? "" : runId;
        }
    }

    private EcsTask(Definition definition, String id, Instant createdAt) {
        this.id = id;
        this.clusterArn = definition.clusterArn();
        this.arn = taskArn(definition.clusterArn(), id);
        this.taskDefinitionArn = definition.taskDefinitionArn();
        String familyAndRevision = definition.taskDefinitionArn().substring(definition.taskDefinitionArn().lastIndexOf('/') + 1);
        int colon = familyAndRevision.lastIndexOf(':');
        this.family = colon < 0 ? familyAndRevision : familyAndRevision.substring(0, colon);
        this.revision = colon < 0 ? "1" : familyAndRevision.substring(colon + 1);
        this.launchType = definition.launchType();
        this.containerName = definition.containerName();
        this.containerArn = arn.replace(":task/", ":container/") + "/" + randomHex(16);
        this.image = definition.image();
        this.startedBy = definition.startedBy();
        this.runId = definition.runId();
        this.overrides = definition.overrides();
        this.createdAt = createdAt;
    }

    /** A new task with a fresh random id (32 lowercase hex digits, as ECS gives them). */
    static EcsTask create(Definition definition, Instant now) {
        return create(definition, randomHex(16), now);
    }

    /** A new task with the given id; for tests. */
    static EcsTask create(Definition definition, String id, Instant now) {
        return new EcsTask(definition, id, now);
    }

    /**
     * The long ECS task ARN for a task of a cluster:
     * {@code arn:aws:ecs:<region>:<account>:task/<cluster name>/<id>}.
     *
     * @throws IllegalArgumentException when {@code clusterArn} is not an ECS cluster ARN
     */
    static String taskArn(String clusterArn, String id) {
        int at = clusterArn.indexOf(":cluster/");
        if (!clusterArn.startsWith("arn:") || at < 0 || at + ":cluster/".length() >= clusterArn.length()) {
            throw new IllegalArgumentException("not an ECS cluster ARN: " + clusterArn);
        }
        return clusterArn.substring(0, at) + ":task/" + clusterArn.substring(at + ":cluster/".length()) + "/" + id;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    String id() {
        return id;
    }

    String arn() {
        return arn;
    }

    String clusterArn() {
        return clusterArn;
    }

    String family() {
        return family;
    }

    String startedBy() {
        return startedBy;
    }

    String runId() {
        return runId;
    }

    synchronized String lastStatus() {
        return lastStatus;
    }

    synchronized String desiredStatus() {
        return desiredStatus;
    }

    /** The task's process, once it runs. */
    synchronized Optional<ProcessHandle> process() {
        return Optional.ofNullable(process);
    }

    /** True when the task stopped before {@code instant}: ECS shows stopped tasks for a while, then forgets them. */
    synchronized boolean stoppedBefore(Instant instant) {
        return stoppedAt != null && stoppedAt.isBefore(instant);
    }

    /** Its container is about to start: from now on the task is RUNNING, as its own metadata says. */
    synchronized void running(Instant now) {
        if (lastStatus.equals(STOPPED)) {
            return;
        }
        lastStatus = RUNNING;
        startedAt = now;
        version++;
    }

    /**
     * The task's process started.
     *
     * @return true when a stop was requested in the meantime, so the caller must stop the process now
     */
    synchronized boolean attach(ProcessHandle started) {
        process = started;
        return desiredStatus.equals(STOPPED);
    }

    /** Its container could not be started, for {@code reason} (as ECS words it, e.g. {@code CannotPullContainerError: …}). */
    synchronized void failedToStart(String reason, Instant now) {
        lastStatus = STOPPED;
        desiredStatus = STOPPED;
        stopCode = "TaskFailedToStart";
        stoppedReason = reason;
        containerReason = reason;
        stoppingAt = stoppingAt == null ? now : stoppingAt;
        stoppedAt = now;
        version++;
    }

    /**
     * StopTask: the task should stop, for {@code reason}.
     *
     * @return true when this is the first stop request of a task still running, so its process must be stopped
     */
    synchronized boolean stopRequested(String reason, Instant now) {
        if (desiredStatus.equals(STOPPED)) {
            return false;
        }
        desiredStatus = STOPPED;
        stopCode = "UserInitiated";
        stoppedReason = reason == null || reason.isBlank() ? DEFAULT_STOP_REASON : reason;
        stoppingAt = now;
        version++;
        return !lastStatus.equals(STOPPED);
    }

    /** Its process ended with {@code code}: the task is STOPPED, for the reason given or because its container exited. */
    synchronized void exited(int code, Instant now) {
        exitCode = code;
        lastStatus = STOPPED;
        desiredStatus = STOPPED;
        if (stopCode == null) {
            stopCode = "EssentialContainerExited";
            stoppedReason = "Essential container in task exited";
        }
        stoppingAt = stoppingAt == null ? now : stoppingAt;
        stoppedAt = now;
        version++;
    }

    /** The ECS API's {@code Task}, as StopTask and DescribeTasks return it (AWS JSON 1.1: times in epoch seconds). */
    synchronized ObjectNode apiJson() {
        ObjectNode task = NODES.objectNode();
        task.put("taskArn", arn);
        task.put("clusterArn", clusterArn);
        task.put("taskDefinitionArn", taskDefinitionArn);
        task.put("lastStatus", lastStatus);
        task.put("desiredStatus", desiredStatus);
        task.put("launchType", launchType);
        task.put("group", "family:" + family);
        if (!startedBy.isEmpty()) {
            task.put("startedBy", startedBy);
        }
        task.put("version", version);
        task.put("createdAt", epochSeconds(createdAt));
        putEpochSeconds(task, "startedAt", startedAt);
        putEpochSeconds(task, "stoppingAt", stoppingAt);
        putEpochSeconds(task, "stoppedAt", stoppedAt);
        if (stopCode != null) {
            task.put("stopCode", stopCode);
            task.put("stoppedReason", stoppedReason);
        }
        ObjectNode container = task.putArray("containers").addObject();
        container.put("containerArn", containerArn);
        container.put("taskArn", arn);
        container.put("name", containerName);
        container.put("image", image);
        container.put("lastStatus", lastStatus);
        if (exitCode != null) {
            container.put("exitCode", exitCode);
        }
        if (containerReason != null) {
            container.put("reason", containerReason);
        }
        container.put("runtimeId", runtimeId());
        return task;
    }

    /**
     * The detail of the "ECS Task State Change" event ECS sends for the task as it is now: the Task of the API, with
     * ISO-8601 times as the event has them, and RunTask's overrides (the container's environment, a run's token among
     * it, as on AWS).
     */
    synchronized ObjectNode eventDetailJson() {
        ObjectNode detail = NODES.objectNode();
        detail.putArray("attachments");
        detail.put("clusterArn", clusterArn);
        ObjectNode container = detail.putArray("containers").addObject();
        container.put("containerArn", containerArn);
        container.put("lastStatus", lastStatus);
        container.put("name", containerName);
        container.put("image", image);
        container.put("taskArn", arn);
        if (exitCode != null) {
            container.put("exitCode", exitCode);
        }
        if (containerReason != null) {
            container.put("reason", containerReason);
        }
        container.put("runtimeId", runtimeId());
        detail.put("createdAt", isoTime(createdAt));
        detail.put("launchType", launchType);
        detail.put("desiredStatus", desiredStatus);
        detail.put("group", "family:" + family);
        detail.put("lastStatus", lastStatus);
        detail.set("overrides", overrides.deepCopy());
        putIsoTime(detail, "startedAt", startedAt);
        if (!startedBy.isEmpty()) {
            detail.put("startedBy", startedBy);
        }
        if (stopCode != null) {
            detail.put("stopCode", stopCode);
            detail.put("stoppedReason", stoppedReason);
        }
        putIsoTime(detail, "stoppingAt", stoppingAt);
        putIsoTime(detail, "stoppedAt", stoppedAt);
        detail.put("taskArn", arn);
        detail.put("taskDefinitionArn", taskDefinitionArn);
        detail.put("updatedAt", isoTime(stoppedAt != null ? stoppedAt : startedAt != null ? startedAt : createdAt));
        detail.put("version", version);
        return detail;
    }

    // The events' times: ISO-8601 UTC to the millisecond, always three digits ({@code 2020-01-23T17:57:58.103Z}).
    private static final java.time.format.DateTimeFormatter ISO_TIME = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private static String isoTime(Instant instant) {
        return ISO_TIME.format(instant);
    }

    private static void putIsoTime(ObjectNode node, String field, Instant instant) {
        if (instant != null) {
            node.put(field, isoTime(instant));
        }
    }

    /** {@code GET ${ECS_CONTAINER_METADATA_URI_V4}/task}: the task and its containers. */
    synchronized ObjectNode taskMetadataJson() {
        ObjectNode task = NODES.objectNode();
        task.put("Cluster", clusterArn);
        task.put("TaskARN", arn);
        task.put("Family", family);
        task.put("Revision", revision);
        task.put("DesiredStatus", desiredStatus);
        task.put("KnownStatus", lastStatus);
        task.put("LaunchType", launchType);
        task.putArray("Containers").add(containerMetadataJson());
        return task;
    }

    /** {@code GET ${ECS_CONTAINER_METADATA_URI_V4}}: the container itself. */
    synchronized ObjectNode containerMetadataJson() {
        ObjectNode container = NODES.objectNode();
        container.put("DockerId", runtimeId());
        container.put("Name", containerName);
        container.put("DockerName", containerName);
        container.put("Image", image);
        container.put("ImageID", "");
        ObjectNode labels = container.putObject("Labels");
        labels.put("com.amazonaws.ecs.cluster", clusterArn);
        labels.put("com.amazonaws.ecs.container-name", containerName);
        labels.put("com.amazonaws.ecs.task-arn", arn);
        labels.put("com.amazonaws.ecs.task-definition-family", family);
        labels.put("com.amazonaws.ecs.task-definition-version", revision);
        container.put("DesiredStatus", desiredStatus);
        container.put("KnownStatus", lastStatus);
        if (exitCode != null) {
            container.put("ExitCode", exitCode);
        }
        container.put("CreatedAt", createdAt.toString());
        if (startedAt != null) {
            container.put("StartedAt", startedAt.toString());
        }
        if (stoppedAt != null) {
            container.put("FinishedAt", stoppedAt.toString());
        }
        container.put("Type", "NORMAL");
        container.put("ContainerARN", containerArn);
        ObjectNode network = container.putArray("Networks").addObject();
        network.put("NetworkMode", "awsvpc");
        network.putArray("IPv4Addresses").add("127.0.0.1");
        return container;
    }

    // Fargate's runtime id: the task id, a dash and ten digits.
    private String runtimeId() {
        return id + "-" + String.format("%010d", createdAt.getEpochSecond() % 10_000_000_000L);
    }

    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }

    private static void putEpochSeconds(ObjectNode node, String field, Instant instant) {
        if (instant != null) {
            node.put(field, epochSeconds(instant));
        }
    }
}
