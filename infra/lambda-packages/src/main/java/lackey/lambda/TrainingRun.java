package lackey.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lackey.emulators.Dynalite;
import lackey.emulators.LocalEventBus;
import lackey.emulators.ProjectLayout;
import lackey.emulators.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The emulators a package is trained against (dynalite, S3Proxy, the local bus, and a stand-in for ECS's StopTask),
 * with the runs table as template.yaml defines it, and the training itself: every packaged function runs its first
 * requests from the sample events in {@code events/} through the real runtime client, in the order a run's life
 * takes (schedule, start, heartbeat, log upload, stop, reads, a cancellation, an output, a sweep), while its JVM
 * records what it loads and links; when its environment shuts down the JVM writes {@code function.aot}.
 * The same fixture serves the cold-start benchmark.
 */
public final class TrainingRun implements AutoCloseable {

    /** The sample events' run token, replaced by the token a schedule hands out. */
    public static final String SAMPLE_TOKEN = "99ee72e2-764d-42a9-b3a1-5c38d1647f28";
    public static final String TABLE = "lackey-training";
    public static final String BUCKET = "lackey-training";
    public static final String BUS = "lackey";
    public static final String CLUSTER = "lackey";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final PrintStream log;
    private final Dynalite dynalite;
    private final S3ProxyServer s3proxy;
    private final LocalEventBus bus;
    private final HttpServer ecs;

    private TrainingRun(Path root, PrintStream log, Dynalite dynalite, S3ProxyServer s3proxy, LocalEventBus bus, HttpServer ecs) {
        this.root = root;
        this.log = log;
        this.dynalite = dynalite;
        this.s3proxy = s3proxy;
        this.bus = bus;
        this.ecs = ecs;
    }

    /** Starts the emulators on free ports, with the template's runs table and an empty bucket. */
    public static TrainingRun start(Path root, Path work, PrintStream log) throws IOException {
        LambdaPackageFiles.delete(work);
        Files.createDirectories(work);
        ProjectLayout layout = new ProjectLayout(root);
        Dynalite dynalite = Dynalite.start(layout, null, 0);
        S3ProxyServer s3proxy = S3ProxyServer.start(layout, work.resolve("s3"), 0, S3ProxyServer.DEFAULT_ACCESS_KEY,
                S3ProxyServer.DEFAULT_SECRET_KEY);
        LocalEventBus bus = LocalEventBus.start(0, "us-east-1", "000000000000");
        // StopTask of a task that is running: what StopSimulationFunction's first request meets.
        HttpServer ecs = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        ecs.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"task\":{\"lastStatus\":\"STOPPING\"}}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        ecs.start();
        TrainingRun run = new TrainingRun(root, log, dynalite, s3proxy, bus, ecs);
        run.createTableAndBucket();
        return run;
    }

    /** The environment Lambda gives a function here: region, credentials, endpoints, the template's names. */
    public Map<String, String> environment(String functionName, String handler, Path taskRoot, String javaToolOptions) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LACKEY_TABLE", TABLE);
        env.put("LACKEY_BUCKET", BUCKET);
        env.put("LACKEY_BUS", BUS);
        env.put("LACKEY_CLUSTER", CLUSTER);
        if (!javaToolOptions.isBlank()) {
            env.put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.DEFAULT_ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.DEFAULT_SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", s3proxy.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", bus.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:" + ecs.getAddress().getPort());
        env.putAll(LambdaPackageFiles.lambdaVariables(functionName, handler, taskRoot, 1024));
        return env;
    }

    /** Runs every function's training requests, then shuts each down so its JVM writes {@code function.aot}. */
    void train(Map<PackagedFunction, Path> packages) throws Exception {
        Map<String, CustomRuntimeFunction> functions = new HashMap<>();
        Map<String, Path> taskRoots = new HashMap<>();
        for (var entry : packages.entrySet()) {
            PackagedFunction function = entry.getKey();
            Path taskRoot = entry.getValue();
            String options = (function.javaToolOptions() + " -XX:AOTCacheOutput=" + taskRoot.resolve("function.aot")).strip();
            functions.put(function.logicalId(), new CustomRuntimeFunction(function.logicalId(), taskRoot,
                    environment(function.logicalId(), function.handler(), taskRoot, options), Math.max(60, function.timeoutSeconds()), 1,
                    line -> log.println("[" + function.logicalId() + "] " + line)));
            taskRoots.put(function.logicalId(), taskRoot);
        }
        List<Thread> writing = new ArrayList<>();
        Scenario scenario = new Scenario(functions, writing);
        scenario.run();
        for (String rest : new ArrayList<>(functions.keySet())) {
            scenario.done(rest);
        }
        for (Thread thread : writing) {
            thread.join();
        }
        for (var entry : taskRoots.entrySet()) {
            Path cache = entry.getValue().resolve("function.aot");
            if (Files.exists(cache)) {
                Files.setLastModifiedTime(cache, LambdaPackageFiles.FIXED_TIME);
            } else {
                // It still works, only slower: PackagingTest fails until the scenario gives it a first request.
                log.println("lambda packages: WARNING: " + entry.getKey() + " has no training request in TrainingRun: "
                        + "its package has no AOT cache");
            }
        }
    }

    /** The functions the scenario gives a first request; a packaged function missing here ships without an AOT cache. */
    static final java.util.Set<String> TRAINED = java.util.Set.of("ScheduleRunFunction", "StartRunFunction",
            "HeartbeatRunFunction", "OutputUploadFunction", "InputUploadFunction", "ListRunsFunction", "LogUploadFunction",
            "StopRunFunction", "GetRunFunction", "GetRunLogFunction", "ListRunFilesFunction", "CancelRunFunction",
            "StopSimulationFunction", "RecordOutputFunction", "RecurringRunFunction", "ScheduleSweepFunction", "SweepRunsFunction",
            "RecordLaunchFailureFunction");

    /** The training requests, in the order of a run's life. */
    private final class Scenario {

        private final Map<String, CustomRuntimeFunction> functions;
        private final List<Thread> writing;

        Scenario(Map<String, CustomRuntimeFunction> functions, List<Thread> writing) {
            this.functions = functions;
            this.writing = writing;
        }

        void run() throws IOException {
            JsonNode first = body(call("ScheduleRunFunction", event("schedule-run-form.json", 0, null)));
            long id = first.path("id").asLong();
            String token = first.path("token").asText();
            JsonNode second = body(call("ScheduleRunFunction", event("schedule-run-json.json", 0, null)));
            JsonNode third = body(call("ScheduleRunFunction", event("schedule-run-form.json", 0, null)));
            done("ScheduleRunFunction");
            // The third run's launch fails: recorded from ECS's task state change, then the same launch's dead
            // letter finds its token revoked (the read that says why).
            long failed = third.path("id").asLong();
            String failedToken = third.path("token").asText();
            call("RecordLaunchFailureFunction", launchFailure("ecs-task-failed-to-start.json", failed, failedToken));
            call("RecordLaunchFailureFunction", launchFailure("dispatch-dead-letter.json", failed, failedToken));
            done("RecordLaunchFailureFunction");
            firstRequestOf("StartRunFunction", event("start-run.json", id, token));
            firstRequestOf("HeartbeatRunFunction", event("heartbeat-run.json", id, token));
            firstRequestOf("OutputUploadFunction", event("output-upload.json", id, token));
            firstRequestOf("InputUploadFunction", event("input-upload.json", id, null));
            firstRequestOf("ListRunsFunction", event("list-runs.json", 0, null));  // status=RUNNING: run 1 is
            firstRequestOf("LogUploadFunction", event("log-upload.json", id, token));
            firstRequestOf("StopRunFunction", event("stop-run.json", id, token));
            firstRequestOf("GetRunFunction", event("get-run.json", id, null));
            firstRequestOf("GetRunLogFunction", event("get-run-log.json", id, null));
            firstRequestOf("ListRunFilesFunction", event("list-files.json", id, null));
            firstRequestOf("CancelRunFunction", event("cancel-run.json", second.path("id").asLong(), null));
            firstRequestOf("StopSimulationFunction", event("run-cancelled.json", 0, null));
            firstRequestOf("RecordOutputFunction", event("object-created.json", 0, null));
            firstRequestOf("RecurringRunFunction", event("recurring-run.json", 0, null));
            firstRequestOf("ScheduleSweepFunction", event("schedule-sweep.json", 0, null));
            firstRequestOf("SweepRunsFunction", event("scheduled-rule.json", 0, null));
        }

        /** A function whose training is one request: it answers it, and its environment writes the cache. */
        private void firstRequestOf(String function, byte[] event) throws IOException {
            call(function, event);
            done(function);
        }

        private InvocationResult call(String function, byte[] event) {
            CustomRuntimeFunction target = functions.get(function);
            if (target == null) {
                return null;  // not a packaged function
            }
            InvocationResult result = target.invoke(event);
            log.printf("lambda packages: trained %s: %s%n", function, abbreviate(result.text()));
            if (result.functionError().isPresent()) {
                throw new IllegalStateException("the training request of " + function + " failed: " + result.text());
            }
            return result;
        }

        // The environment shuts down (SIGTERM, as Lambda's shutdown): its JVM writes the AOT cache as it exits.
        void done(String function) {
            CustomRuntimeFunction finished = functions.remove(function);
            if (finished == null) {
                return;
            }
            List<ProcessHandle> processes = finished.processes();
            Thread writer = Thread.ofPlatform().start(() -> {
                processes.forEach(ProcessHandle::destroy);
                for (ProcessHandle process : processes) {
                    try {
                        process.onExit().get(5, TimeUnit.MINUTES);
                    } catch (Exception e) {
                        process.destroyForcibly();
                    }
                }
            });
            writing.add(writer);
        }
    }

    private static JsonNode body(InvocationResult result) throws IOException {
        return result == null ? JSON.createObjectNode() : JSON.readTree(JSON.readTree(result.payload()).path("body").asText("{}"));
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "…" : text;
    }

    /**
     * A sample event from {@code events/}, about run {@code id} (its path and path parameter) and carrying {@code token}
     * in its form body, when given.
     */
    public byte[] event(String file, long id, String token) throws IOException {
        return forRun(JSON.readTree(root.resolve("events").resolve(file).toFile()), id, token);
    }

    /**
     * A launch failure's sample event from {@code events/} (an ECS task state change, or an SQS batch of dispatch dead
     * letters) about run {@code id} launched with {@code token}: the container's environment, or the dead "Run
     * Scheduled" event's detail, rewritten.
     */
    byte[] launchFailure(String file, long id, String token) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(root.resolve("events").resolve(file).toFile());
        for (JsonNode container : event.path("detail").path("overrides").path("containerOverrides")) {
            for (JsonNode variable : container.path("environment")) {
                switch (variable.path("name").asText()) {
                    case "LACKEY_RUN_ID" -> ((ObjectNode) variable).put("value", Long.toString(id));
                    case "LACKEY_RUN_TOKEN" -> ((ObjectNode) variable).put("value", token);
                    default -> { }
                }
            }
        }
        for (JsonNode record : event.path("Records")) {
            ObjectNode dead = (ObjectNode) JSON.readTree(record.path("body").asText());
            ((ObjectNode) dead.path("detail")).put("id", id).put("token", token);
            ((ObjectNode) record).put("body", JSON.writeValueAsString(dead));
        }
        return JSON.writeValueAsBytes(event);
    }

    /** An HTTP API event of the sample events rewritten for run {@code id} and {@code token} (0 and null: as it is). */
    public static byte[] forRun(JsonNode sample, long id, String token) throws IOException {
        ObjectNode event = sample.deepCopy();
        if (id > 0 && event.path("pathParameters").has("id")) {
            ((ObjectNode) event.path("pathParameters")).put("id", Long.toString(id));
            String path = event.path("rawPath").asText().replaceFirst("/1(?=/|$)", "/" + id);
            event.put("rawPath", path);
            ((ObjectNode) event.at("/requestContext/http")).put("path", path);
        }
        if (token != null && event.path("isBase64Encoded").asBoolean(false)) {
            String body = new String(Base64.getDecoder().decode(event.path("body").asText()), StandardCharsets.UTF_8)
                    .replace(SAMPLE_TOKEN, token);
            event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
            ((ObjectNode) event.path("headers")).put("content-length", Integer.toString(body.length()));
        }
        return JSON.writeValueAsBytes(event);
    }

    @SuppressWarnings("unchecked")
    private void createTableAndBucket() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.DEFAULT_ACCESS_KEY,
                S3ProxyServer.DEFAULT_SECRET_KEY));
        Map<String, Object> table = PackagedFunction.resourceProperties(root.resolve("template.yaml"), "RunsTable");
        try (var dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(dynalite.endpoint()).build();
             var s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(s3proxy.endpoint())
                     .forcePathStyle(true).build()) {
            List<AttributeDefinition> attributes = ((List<Map<String, Object>>) table.get("AttributeDefinitions")).stream()
                    .map(a -> AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                            .attributeType((String) a.get("AttributeType")).build()).toList();
            List<GlobalSecondaryIndex> indexes = ((List<Map<String, Object>>) table.getOrDefault("GlobalSecondaryIndexes", List.of()))
                    .stream().map(index -> GlobalSecondaryIndex.builder().indexName((String) index.get("IndexName"))
                            .keySchema(keys((List<Map<String, Object>>) index.get("KeySchema")))
                            .projection(p -> p.projectionType("ALL")).build()).toList();
            dynamo.createTable(create -> create.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attributes).keySchema(keys((List<Map<String, Object>>) table.get("KeySchema")))
                    .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes));
            s3.createBucket(create -> create.bucket(BUCKET));
        }
    }

    private static List<KeySchemaElement> keys(List<Map<String, Object>> schema) {
        return schema.stream().map(k -> KeySchemaElement.builder().attributeName((String) k.get("AttributeName"))
                .keyType((String) k.get("KeyType")).build()).toList();
    }

    /** The DynamoDB endpoint, for a caller that prepares runs itself. */
    public java.net.URI dynamoDbEndpoint() {
        return dynalite.endpoint();
    }

    @Override
    public void close() {
        ecs.stop(0);
        bus.close();
        s3proxy.close();
        dynalite.close();
    }
}
