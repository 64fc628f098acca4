package lackey.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import lackey.local.template.ClusterDefinition;

/**
 * The local stand-in for Amazon ECS. It runs a dispatched run's task as a local process (see
 * {@link Simulations}) with the identity ECS gives a task, serves each task its metadata as the task
 * metadata endpoint v4 does ({@code ECS_CONTAINER_METADATA_URI_V4}, {@code GET …/task}), and answers
 * {@code StopTask}, {@code DescribeTasks} and {@code ListTasks} as the ECS API does (AWS JSON 1.1), all on
 * one loopback port. StopTask stops the task's process tree: SIGTERM, then SIGKILL a few seconds later.
 *
 * <p>Requests are not authenticated: SigV4 signatures are not checked, because the endpoint listens on
 * 127.0.0.1 only and exists for one developer's machine; the SDK and the CLI still sign, which is harmless.
 */
final class LocalEcs implements AutoCloseable {

    /** The X-Amz-Target prefix of the ECS API (its Smithy service name). */
    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    /** Where the task metadata endpoint answers; a task's {@code ECS_CONTAINER_METADATA_URI_V4} is this plus its id. */
    static final String METADATA_PATH = "/v4/";
    static final String METADATA_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_REASON_LENGTH = 255;
    private static final int MAX_DESCRIBE_TASKS = 100;
    // ECS keeps showing a stopped task for at least an hour; after that the local cloud forgets it too.
    private static final Duration STOPPED_TASKS_KEPT = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<ClusterDefinition> clusters;
    private final Simulations simulations;
    private final PrintStream log;
    private final Map<String, EcsTask> tasks = new ConcurrentHashMap<>();
    private final Consumer<EcsTask> stateChanges;
    private final Deque<String> failNextStarts = new ConcurrentLinkedDeque<>();

    private LocalEcs(HttpServer server, List<ClusterDefinition> clusters, Simulations simulations, PrintStream log,
                     Consumer<EcsTask> stateChanges) {
        this.server = server;
        this.clusters = List.copyOf(clusters);
        this.simulations = simulations;
        this.log = log;
        this.stateChanges = stateChanges;
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 picks a free one) without serving yet, so the endpoint is known
     * before the function hosts, whose environment names it, start.
     *
     * @throws IOException when the port cannot be bound
     */
    static HttpServer bind(int port) throws IOException {
        // TCP_NODELAY, as in FunctionHost: else an answer of more than a few KB waits ~40 ms for the client's
        // delayed ACK. The JDK reads this once, when its HTTP server is first used, and this is the first JDK
        // server the local cloud binds (the local bus's, in this JVM too, comes after).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
    }

    /** Starts serving the ECS API and the task metadata on a server from {@link #bind(int)}; tasks change state unheard. */
    static LocalEcs start(HttpServer server, List<ClusterDefinition> clusters, Simulations simulations, PrintStream log) {
        return start(server, clusters, simulations, log, task -> { });
    }

    /**
     * Starts serving as {@link #start(HttpServer, List, Simulations, PrintStream)} does; {@code stateChanges} hears of
     * each task whose status changed (RUNNING, STOPPED), as ECS sends "ECS Task State Change" events.
     */
    static LocalEcs start(HttpServer server, List<ClusterDefinition> clusters, Simulations simulations, PrintStream log,
                          Consumer<EcsTask> stateChanges) {
        LocalEcs ecs = new LocalEcs(server, clusters, simulations, log, stateChanges);
        server.setExecutor(ecs.executor);
        server.createContext("/", ecs::serveApi);
        server.createContext(METADATA_PATH, ecs::serveMetadata);
        server.start();
        return ecs;
    }

    /** Where ECS clients send requests ({@code AWS_ENDPOINT_URL_ECS}), e.g. {@code http://127.0.0.1:8004}. */
    URI endpoint() {
        return endpoint(server);
    }

    static URI endpoint(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The {@code ECS_CONTAINER_METADATA_URI_V4} a task's container gets. */
    String metadataUri(EcsTask task) {
        return endpoint() + METADATA_PATH + task.id();
    }

    /**
     * Fault injection, for tests of failed launches: the next {@code count} tasks stop before their container starts,
     * with stop code {@code TaskFailedToStart} and {@code stoppedReason} (for example
     * {@code CannotPullContainerError: …}), as ECS stops a task whose image cannot be pulled.
     */
    void failNextTasks(int count, String stoppedReason) {
        for (int i = 0; i < count; i++) {
            failNextStarts.add(stoppedReason);
        }
    }

    /**
     * RunTask with a {@code NetworkConfiguration.AwsVpcConfiguration} (as a Fargate task has): its subnets and security
     * groups must look like subnet and security group ids, else ECS refuses the call as it refuses an id that does not
     * exist. None at all is fine locally: there is no VPC to choose from.
     *
     * @throws RunTaskRefused as ECS would answer
     */
    EcsTask runTask(EcsTask.Definition definition, JsonNode awsvpcConfiguration, List<String> command,
                    Map<String, String> environment) {
        for (JsonNode subnet : awsvpcConfiguration.path("Subnets")) {
            if (!subnet.asText().matches("subnet-([0-9a-f]{8}|[0-9a-f]{17})")) {
                throw new RunTaskRefused("InvalidParameterException", "Error retrieving subnet information for ["
                        + subnet.asText() + "]: The subnet ID '" + subnet.asText() + "' is malformed (ECS)");
            }
        }
        for (JsonNode group : awsvpcConfiguration.path("SecurityGroups")) {
            if (!group.asText().matches("sg-([0-9a-f]{8}|[0-9a-f]{17})")) {
                throw new RunTaskRefused("InvalidParameterException", "Error retrieving security group information for ["
                        + group.asText() + "]: The security group '" + group.asText() + "' does not exist (ECS)");
            }
        }
        return runTask(definition, command, environment);
    }

    /**
     * RunTask, locally: registers a task, then runs {@code command} as its process, with {@code environment}
     * and the task's {@code ECS_CONTAINER_METADATA_URI_V4}. When the process cannot start (or {@link #failNextTasks}
     * said so), the task is STOPPED with stop code {@code TaskFailedToStart}.
     */
    EcsTask runTask(EcsTask.Definition definition, List<String> command, Map<String, String> environment) {
        Instant now = Instant.now();
        tasks.values().removeIf(old -> old.stoppedBefore(now.minus(STOPPED_TASKS_KEPT)));
        EcsTask task = EcsTask.create(definition, now);
        tasks.put(task.id(), task);
        String injected = failNextStarts.poll();
        if (injected != null) {
            task.failedToStart(injected, Instant.now());
            log.println("[ecs] run " + definition.runId() + ": task " + task.arn() + " failed to start: " + injected);
            stateChanges.accept(task);
            return task;
        }
        Map<String, String> containerEnvironment = new LinkedHashMap<>(environment);
        containerEnvironment.put(METADATA_VARIABLE, metadataUri(task));
        // RUNNING before the process exists: its first look at its own metadata must not see it pending.
        task.running(Instant.now());
        Process process = simulations.launch(definition.runId(), command, containerEnvironment);
        if (process == null) {
            task.failedToStart("CannotStartContainerError: the command could not be started, or the local cloud is stopping",
                    Instant.now());
            stateChanges.accept(task);
            return task;
        }
        stateChanges.accept(task);
        log.println("[ecs] run " + definition.runId() + " is task " + task.arn());
        process.onExit().thenAccept(exited -> {
            task.exited(exited.exitValue(), Instant.now());
            stateChanges.accept(task);
        });
        if (task.attach(process.toHandle())) {
            stopProcess(task);
        }
        return task;
    }

    /** The task with this id, if the local cloud knows it. */
    Optional<EcsTask> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- the ECS API: AWS JSON 1.1 ----

    private void serveApi(HttpExchange exchange) {
        try (exchange) {
            try {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                    throw new EcsError("UnknownOperationException",
                            "the local ECS endpoint answers POST requests with an X-Amz-Target of " + TARGET_PREFIX + "<operation>");
                }
                JsonNode request = requestBody(exchange);
                ObjectNode response = switch (target.substring(TARGET_PREFIX.length())) {
                    case "StopTask" -> stopTask(request);
                    case "DescribeTasks" -> describeTasks(request);
                    case "ListTasks" -> listTasks(request);
                    default -> throw new EcsError("UnknownOperationException", "the local ECS endpoint supports "
                            + "StopTask, DescribeTasks and ListTasks, not " + target.substring(TARGET_PREFIX.length()));
                };
                respond(exchange, 200, CONTENT_TYPE, response);
            } catch (EcsError e) {
                respondError(exchange, 400, e.type, e.getMessage());
            } catch (RuntimeException e) {
                log.println("[ecs] request failed: " + e);
                respondError(exchange, 500, "ServerException", "the local ECS endpoint failed: " + e);
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static JsonNode requestBody(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readAllBytes();
            JsonNode request = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            if (request == null || !request.isObject()) {
                throw new EcsError("SerializationException", "the request body must be a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw new EcsError("SerializationException", "the request body is not valid JSON");
        }
    }

    private ObjectNode stopTask(JsonNode request) {
        ClusterDefinition cluster = cluster(request);
        String reference = text(request, "task");
        if (reference == null) {
            throw new EcsError("InvalidParameterException", "task can not be blank.");
        }
        String reason = text(request, "reason");
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw new EcsError("InvalidParameterException", "Reason cannot be longer than " + MAX_REASON_LENGTH + " characters.");
        }
        EcsTask task = find(cluster, reference)
                .orElseThrow(() -> new EcsError("InvalidParameterException", "The referenced task was not found."));
        if (task.stopRequested(reason, Instant.now())) {
            log.println("[ecs] StopTask " + task.arn() + " (run " + task.runId() + "): "
                    + (reason == null ? EcsTask.DEFAULT_STOP_REASON : reason));
            stopProcess(task);
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("task", task.apiJson());
        return response;
    }

    private ObjectNode describeTasks(JsonNode request) {
        ClusterDefinition cluster = cluster(request);
        JsonNode references = request.path("tasks");
        if (!references.isArray() || references.isEmpty()) {
            throw new EcsError("InvalidParameterException", "Tasks cannot be empty.");
        }
        if (references.size() > MAX_DESCRIBE_TASKS) {
            throw new EcsError("InvalidParameterException", "Tasks cannot have more than " + MAX_DESCRIBE_TASKS + " elements.");
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode found = response.putArray("tasks");
        ArrayNode failures = response.putArray("failures");
        for (JsonNode reference : references) {
            Optional<EcsTask> task = find(cluster, reference.asText());
            if (task.isPresent()) {
                found.add(task.get().apiJson());
            } else {
                failures.addObject().put("arn", reference.asText()).put("reason", "MISSING");
            }
        }
        return response;
    }

    // ListTasks as ECS filters it: by cluster, desired status (RUNNING unless asked otherwise), startedBy and family.
    private ObjectNode listTasks(JsonNode request) {
        ClusterDefinition cluster = cluster(request);
        String desiredStatus = Optional.ofNullable(text(request, "desiredStatus")).orElse(EcsTask.RUNNING);
        String startedBy = text(request, "startedBy");
        String family = text(request, "family");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode arns = response.putArray("taskArns");
        tasks.values().stream()
                .filter(task -> task.clusterArn().equals(cluster.arn()))
                .filter(task -> task.desiredStatus().equals(desiredStatus))
                .filter(task -> startedBy == null || task.startedBy().equals(startedBy))
                .filter(task -> family == null || task.family().equals(family))
                .map(EcsTask::arn)
                .sorted()
                .forEach(arns::add);
        return response;
    }

    // The cluster a request names by short name or ARN; ECS assumes "default" when it names none.
    private ClusterDefinition cluster(JsonNode request) {
        String name = Optional.ofNullable(text(request, "cluster")).orElse("default");
        return clusters.stream()
                .filter(cluster -> cluster.name().equals(name) || cluster.arn().equals(name))
                .findFirst()
                .orElseThrow(() -> new EcsError("ClusterNotFoundException", "Cluster not found."));
    }

    // A task of the cluster, by its ARN or its id.
    private Optional<EcsTask> find(ClusterDefinition cluster, String reference) {
        String id = reference.substring(reference.lastIndexOf('/') + 1);
        return Optional.ofNullable(tasks.get(id))
                .filter(task -> task.clusterArn().equals(cluster.arn()))
                .filter(task -> reference.equals(id) || reference.equals(task.arn()));
    }

    private void stopProcess(EcsTask task) {
        task.process().ifPresent(process -> Thread.ofVirtual().name("ecs-stop-" + task.id())
                .start(() -> Processes.stop(process)));
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    /** An error ECS would answer with (HTTP 400, a client's mistake): its type goes into {@code __type}. */
    private static final class EcsError extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String type;

        EcsError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    // ---- the task metadata endpoint v4 ----

    // GET /v4/<id> is the container's metadata, GET /v4/<id>/task the task's; anything else is a 404.
    private void serveMetadata(HttpExchange exchange) {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "application/json", JSON.getNodeFactory().textNode("the task metadata endpoint answers GET only"));
                return;
            }
            String rest = exchange.getRequestURI().getPath().substring(METADATA_PATH.length());
            String[] parts = rest.split("/", -1);
            Optional<EcsTask> task = task(parts[0]);
            if (task.isPresent() && (parts.length == 1 || parts.length == 2 && parts[1].isEmpty())) {
                respond(exchange, 200, "application/json", task.get().containerMetadataJson());
            } else if (task.isPresent() && parts.length == 2 && parts[1].equals("task")) {
                respond(exchange, 200, "application/json", task.get().taskMetadataJson());
            } else {
                respond(exchange, 404, "application/json", JSON.getNodeFactory().textNode(task.isEmpty()
                        ? "no task " + parts[0] + " in the local cloud"
                        : "not emulated by the local cloud: " + exchange.getRequestURI().getPath()));
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    // ---- HTTP ----

    private static void respondError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        respond(exchange, status, CONTENT_TYPE, body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
