package lackey.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import lackey.emulators.Dynalite;
import lackey.emulators.LocalEventBus;
import lackey.local.template.BucketDefinition;
import lackey.emulators.PortInUseException;
import lackey.emulators.ProjectLayout;
import lackey.emulators.S3ProxyServer;
import lackey.local.template.ClusterDefinition;
import lackey.local.template.HttpRoute;
import lackey.local.template.LocalNames;
import lackey.local.template.SamTemplate;
import lackey.local.template.TableDefinition;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole of lackey on one machine, from template.yaml: dynalite for DynamoDB, S3Proxy for S3, a
 * local EventBridge bus with the template's rules, the template's functions in Lambda-like JVMs, a local
 * ECS whose tasks are processes, and an HTTP API on 127.0.0.1 (port 8000 unless {@code LACKEY_PORT} says
 * otherwise). Data lives under {@code $LACKEY_HOME} (default {@code ./.lackey}) and survives a restart;
 * {@code $LACKEY_HOME/local.env} points AWS tools at it. {@code ./lackey local} runs {@link #main}; tests use {@link #start(Options)}.
 */
public final class LocalCloud implements AutoCloseable {

    /** The seed's port. */
    public static final int DEFAULT_API_PORT = 8000;
    /** Fixed emulator ports keep local.env the same across restarts. */
    public static final int DEFAULT_DYNAMODB_PORT = 8001;
    public static final int DEFAULT_S3_PORT = 8002;
    public static final int DEFAULT_EVENTBRIDGE_PORT = 8003;
    /** The local ECS API (StopTask, DescribeTasks, ListTasks) and the task metadata endpoint. */
    public static final int DEFAULT_ECS_PORT = 8004;

    private static final String ECS_PURPOSE = "ECS: the local task API and task metadata";

    private final Options options;
    private volatile LocalEventBus eventBus;
    private volatile Dynalite dynalite;
    private volatile S3ProxyServer s3proxy;
    private ProjectLayout layout;
    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    private final List<Future<? extends AutoCloseable>> pending = new ArrayList<>();
    private final PrintStream log;
    private URI apiUrl;
    private URI dynamoDbEndpoint;
    private URI s3Endpoint;
    private URI eventBridgeEndpoint;
    private URI ecsEndpoint;
    private SamTemplate template;
    private Simulations simulations;
    private final LocalTopics topics;
    private FunctionHosts functions;
    private LocalQueues queues;
    private LocalEcs ecs;
    private Map<String, String> environment;
    private Path localEnvFile;
    private boolean closed;

    private LocalCloud(Options options) {
        this.options = options;
        this.log = options.log();
        this.topics = new LocalTopics(log);
    }

    /**
     * How to run the local cloud. A port of 0 picks a free one.
     *
     * @param projectRoot      the project (holds template.yaml and the installed emulators)
     * @param home             $LACKEY_HOME: DynamoDB files, the S3 folder, run output, local.env
     * @param workDir          where simulations run (the folder {@code ./lackey local} was started in)
     * @param apiPort          the API's port
     * @param dynamoDbPort     dynalite's port
     * @param s3Port           S3Proxy's port
     * @param eventBridgePort  the local bus's port
     * @param ecsPort          the local ECS endpoint's port (its API and the tasks' metadata)
     * @param functionClassPath class path of the function hosts (the handlers and their dependencies)
     * @param log              where the local cloud reports what it does
     * @param apiReadTimeout   how long a request to the API may send nothing before it is answered 408
     * @param iam              whether routes template.yaml marks AWS_IAM need a SigV4 signature made with the local
     *                         credentials, as on AWS ({@code ./lackey local --iam}); off by default
     */
    public record Options(Path projectRoot, Path home, Path workDir, int apiPort, int dynamoDbPort, int s3Port,
                          int eventBridgePort, int ecsPort, String functionClassPath, PrintStream log,
                          Map<String, String> parameterOverrides, Duration apiReadTimeout, boolean iam) {

        public Options {
            parameterOverrides = Map.copyOf(parameterOverrides == null ? Map.of() : parameterOverrides);
            apiReadTimeout = apiReadTimeout == null ? HttpFront.DEFAULT_READ_TIMEOUT : apiReadTimeout;
            if (apiReadTimeout.isNegative() || apiReadTimeout.isZero()) {
                throw new IllegalArgumentException("apiReadTimeout must be positive, not " + apiReadTimeout);
            }
            Objects.requireNonNull(projectRoot, "projectRoot");
            Objects.requireNonNull(home, "home");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(functionClassPath, "functionClassPath");
            Objects.requireNonNull(log, "log");
            projectRoot = projectRoot.toAbsolutePath().normalize();
            home = home.toAbsolutePath().normalize();
            workDir = workDir.toAbsolutePath().normalize();
        }

        /** Options without IAM checks. */
        public Options(Path projectRoot, Path home, Path workDir, int apiPort, int dynamoDbPort, int s3Port,
                       int eventBridgePort, int ecsPort, String functionClassPath, PrintStream log,
                       Map<String, String> parameterOverrides, Duration apiReadTimeout) {
            this(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort, functionClassPath, log,
                    parameterOverrides, apiReadTimeout, false);
        }

        /** Options with the template's parameter defaults. */
        public Options(Path projectRoot, Path home, Path workDir, int apiPort, int dynamoDbPort, int s3Port,
                       int eventBridgePort, int ecsPort, String functionClassPath, PrintStream log) {
            this(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort, functionClassPath, log,
                    Map.of(), null);
        }

        /**
         * These options with template parameters set, as {@code sam deploy --parameter-overrides} would
         * (for example {@code RecurringRunSpec} and {@code RecurringSchedule}).
         */
        public Options withParameterOverrides(Map<String, String> overrides) {
            return new Options(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, log, overrides, apiReadTimeout, iam);
        }

        /** Options as before the local ECS existed: its endpoint takes any free port. */
        public Options(Path projectRoot, Path home, Path workDir, int apiPort, int dynamoDbPort, int s3Port,
                       int eventBridgePort, String functionClassPath, PrintStream log) {
            this(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, 0, functionClassPath, log);
        }

        /**
         * The defaults {@code ./lackey local} uses: project found from {@code -Dlackey.root} or the working
         * directory; {@code LACKEY_HOME} (default {@code ./.lackey}); ports 8000-8004 unless {@code LACKEY_PORT},
         * {@code LACKEY_DYNAMODB_PORT}, {@code LACKEY_S3_PORT}, {@code LACKEY_EVENTS_PORT}, {@code LACKEY_ECS_PORT} say otherwise.
         */
        public static Options fromEnvironment(Map<String, String> env) {
            Path workDir = Path.of(System.getProperty("user.dir"));
            String home = env.get("LACKEY_HOME");
            return new Options(ProjectLayout.find().root(),
                    home == null || home.isBlank() ? workDir.resolve(".lackey") : workDir.resolve(home), workDir,
                    port(env, "LACKEY_PORT", DEFAULT_API_PORT), port(env, "LACKEY_DYNAMODB_PORT", DEFAULT_DYNAMODB_PORT),
                    port(env, "LACKEY_S3_PORT", DEFAULT_S3_PORT), port(env, "LACKEY_EVENTS_PORT", DEFAULT_EVENTBRIDGE_PORT),
                    port(env, "LACKEY_ECS_PORT", DEFAULT_ECS_PORT), System.getProperty("java.class.path"), System.out)
                    .withIam(isSet(env.get("LACKEY_IAM")));
        }

        private static boolean isSet(String flag) {
            return flag != null && !flag.isBlank() && !flag.equals("0") && !flag.equalsIgnoreCase("false");
        }

        /** These options with every port 0: free ports, as tests want. */
        public Options withFreePorts() {
            return new Options(projectRoot, home, workDir, 0, 0, 0, 0, 0, functionClassPath, log, parameterOverrides,
                    apiReadTimeout, iam);
        }

        public Options withHome(Path newHome) {
            return new Options(projectRoot, newHome, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, log, parameterOverrides, apiReadTimeout, iam);
        }

        public Options withWorkDir(Path newWorkDir) {
            return new Options(projectRoot, home, newWorkDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, log, parameterOverrides, apiReadTimeout, iam);
        }

        public Options withFunctionClassPath(String classPath) {
            return new Options(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    classPath, log, parameterOverrides, apiReadTimeout, iam);
        }

        public Options withLog(PrintStream newLog) {
            return new Options(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, newLog, parameterOverrides, apiReadTimeout, iam);
        }

        /** These options with another read timeout for the API (tests shorten it). */
        public Options withApiReadTimeout(Duration timeout) {
            return new Options(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, log, parameterOverrides, timeout, iam);
        }

        /** These options with IAM mode on or off. */
        public Options withIam(boolean on) {
            return new Options(projectRoot, home, workDir, apiPort, dynamoDbPort, s3Port, eventBridgePort, ecsPort,
                    functionClassPath, log, parameterOverrides, apiReadTimeout, on);
        }

        private static int port(Map<String, String> env, String name, int fallback) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 0 || port > 65_535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a port number (0 for any free port), not " + value);
            }
        }
    }

    /**
     * Starts everything and returns once the API answers. On failure, whatever had started is stopped again.
     *
     * @throws PortInUse when a port is taken
     */
    public static LocalCloud start(Options options) {
        LocalCloud cloud = new LocalCloud(options);
        try {
            cloud.startAll();
            return cloud;
        } catch (RuntimeException | Error e) {
            cloud.close();
            throw e;
        }
    }

    private void startAll() {
        long begin = System.nanoTime();
        int dynamoDbPort = freeIfZero(options.dynamoDbPort());
        int s3Port = freeIfZero(options.s3Port());
        // The bus is in this JVM: it binds port 0 itself, so no other socket can take a port chosen in advance.
        int eventBridgePort = options.eventBridgePort();
        PortInUse.requireFree(options.apiPort(), "the API", "LACKEY_PORT");
        PortInUse.requireFree(dynamoDbPort, "DynamoDB: dynalite", "LACKEY_DYNAMODB_PORT");
        PortInUse.requireFree(s3Port, "S3: S3Proxy", "LACKEY_S3_PORT");
        PortInUse.requireFree(eventBridgePort, "EventBridge: the local bus", "LACKEY_EVENTS_PORT");
        PortInUse.requireFree(options.ecsPort(), ECS_PURPOSE, "LACKEY_ECS_PORT");
        createDirectories(options.home());

        HttpFront front;
        try {
            front = HttpFront.bind(options.apiPort(), options.apiReadTimeout(), log);
        } catch (BindException e) {
            throw new PortInUse(options.apiPort(), "the API", "LACKEY_PORT");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.apiPort() + ": " + e.getMessage(), e);
        }
        AutoCloseable unservedApi = front::close;
        started.push(unservedApi);
        apiUrl = front.url();
        HttpServer ecsServer;
        try {
            ecsServer = LocalEcs.bind(options.ecsPort());
        } catch (BindException e) {
            throw new PortInUse(options.ecsPort(), ECS_PURPOSE, "LACKEY_ECS_PORT");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.ecsPort() + ": " + e.getMessage(), e);
        }
        AutoCloseable unservedEcs = () -> ecsServer.stop(0);
        started.push(unservedEcs);
        ecsEndpoint = LocalEcs.endpoint(ecsServer);
        LocalNames names = LocalNames.local(apiUrl.toString()).withParameterOverrides(options.parameterOverrides());
        LocalResources.Access access = new LocalResources.Access(Region.of(names.region()),
                S3ProxyServer.DEFAULT_ACCESS_KEY, S3ProxyServer.DEFAULT_SECRET_KEY);
        dynamoDbEndpoint = URI.create("http://127.0.0.1:" + dynamoDbPort);
        s3Endpoint = URI.create("http://127.0.0.1:" + s3Port);

        // Everything slow starts side by side: S3Proxy (a JVM), dynalite (node), the function host JVMs,
        // and the SDK clients that create the table and bucket as soon as their emulator listens.
        layout = new ProjectLayout(options.projectRoot());
        Future<Dynalite> dynalite = launch(() -> emulator(() -> Dynalite.start(layout, options.home().resolve("dynamodb"),
                dynamoDbPort), dynamoDbPort, "DynamoDB: dynalite", "LACKEY_DYNAMODB_PORT"));
        template = SamTemplate.read(layout.templateYaml(), names);
        // S3Proxy answers browsers' cross-origin reads (the dashboard reading a log) as the buckets' CORS rules allow
        List<S3ProxyServer.CorsRule> cors = template.buckets().stream().flatMap(bucket -> bucket.corsRules().stream()).toList();
        Future<S3ProxyServer> s3proxy = launch(() -> emulator(() -> S3ProxyServer.start(layout, options.home().resolve("s3"),
                s3Port, access.accessKey(), access.secretKey(), cors), s3Port, "S3: S3Proxy", "LACKEY_S3_PORT"));
        LocalEventBus bus = take(launch(() -> emulator(() -> LocalEventBus.start(eventBridgePort, names.region(),
                names.accountId()), eventBridgePort, "EventBridge: the local bus", "LACKEY_EVENTS_PORT")));
        eventBus = bus;
        eventBridgeEndpoint = bus.endpoint();

        environment = localEnvironment(access);
        Map<String, String> lambdaEnv = new LinkedHashMap<>();
        for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL_ECS")) {
            lambdaEnv.put(name, environment.get(name));
        }
        // The functions' output goes where the local cloud reports, so whoever reads the one reads the other.
        Future<FunctionHosts> hosts = launch(() -> FunctionHosts.start(template.functions(), lambdaEnv,
                options.functionClassPath(), options.home(), options.projectRoot(), log, log));
        Future<?> tables = background(() -> {
            take(dynalite);
            try (DynamoDbClient client = LocalResources.dynamoDb(dynamoDbEndpoint, access)) {
                LocalResources.createTables(client, template.tables(), log);
            }
            return null;
        });
        Future<?> buckets = background(() -> {
            take(s3proxy);
            try (S3Client client = LocalResources.s3(s3Endpoint, access)) {
                LocalResources.createBuckets(client, template.buckets(), log);
            }
            return null;
        });
        awaitAll(List.of(tables, buckets, hosts));
        functions = take(hosts);
        this.dynalite = await(dynalite);
        this.s3proxy = await(s3proxy);

        queues = new LocalQueues(template.queues(), names.region(), log);
        started.push(queues);
        template.queueSubscriptions().forEach(subscription -> queues.subscribe(subscription, functions));
        simulations = new Simulations(options.workDir(), options.home().resolve("runs"), environment, log);
        started.push(simulations);
        // ECS tells of its tasks' state changes on the account's default bus, as on AWS.
        ecs = LocalEcs.start(ecsServer, template.clusters(), simulations, log, task -> bus.putServiceEvent(
                LocalEventBus.DEFAULT_BUS, "aws.ecs", "ECS Task State Change", List.of(task.arn()),
                task.eventDetailJson().toString()));
        started.remove(unservedEcs); // the local ECS's close stops the server from now on
        started.push(ecs);
        LocalRules rules = new LocalRules(template, functions, ecs, topics, queues, apiUrl.toString(),
                options.home().resolve("s3"), log);
        started.push(rules);
        rules.start(bus);
        for (BucketDefinition bucket : template.buckets()) {
            if (bucket.eventBridge()) {
                started.push(LocalObjectEvents.start(options.home().resolve("s3"), bucket.bucketName(), bus,
                        names.accountId(), log));
            }
        }

        localEnvFile = LocalEnvFile.write(options.home().resolve("local.env"), environment);
        IamAuthorizer iam = options.iam() ? new IamAuthorizer(access.accessKey(), access.secretKey(), access.region().id(),
                java.time.Clock.systemUTC()) : null;
        front.start(List.of(new ApiGateway(template.routes(), template.functions(), functions, names.accountId(), "local", iam),
                new DashboardSite(new DashboardAssets())));
        started.remove(unservedApi); // stopped first from now on: no request reaches a function being stopped
        started.push(front);
        report(Duration.ofNanos(System.nanoTime() - begin));
    }

    // local.env: the endpoints, region and credentials, and the names the template gives every function.
    private Map<String, String> localEnvironment(LocalResources.Access access) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint.toString());
        env.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", eventBridgeEndpoint.toString());
        env.put("AWS_ENDPOINT_URL_ECS", ecsEndpoint.toString());
        env.put("AWS_REGION", access.region().id());
        env.put("AWS_DEFAULT_REGION", access.region().id());
        env.put("AWS_ACCESS_KEY_ID", access.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", access.secretKey());
        env.putAll(TemplateResources.sharedEnvironment(template.functions()));
        env.put("LACKEY_API", apiUrl.toString());
        if (options.iam()) {
            env.put("LACKEY_SIGN", "always"); // the CLI signs its calls to the local API, with the credentials above
        }
        return env;
    }

    private void report(Duration took) {
        log.printf("%nlackey local cloud is up (%.1f s)%n", took.toMillis() / 1000.0);
        log.println("  API          " + apiUrl + (options.iam()
                ? "  (IAM mode: AWS_IAM routes need SigV4 signed with local.env's credentials)" : ""));
        for (HttpRoute route : template.routes()) {
            log.printf("                 %-28s -> %s%n", route.routeKey(), route.function());
        }
        log.println("  DynamoDB     " + dynamoDbEndpoint + "  tables "
                + String.join(", ", template.tables().stream().map(TableDefinition::tableName).toList()));
        log.println("  S3           " + s3Endpoint + "  buckets "
                + String.join(", ", template.buckets().stream().map(b -> b.bucketName() + " (" + options.home()
                .resolve("s3").resolve(b.bucketName()) + ")").toList()));
        log.println("  EventBridge  " + eventBridgeEndpoint);
        log.println("  ECS          " + ecsEndpoint + "  clusters "
                + String.join(", ", template.clusters().stream().map(ClusterDefinition::name).toList())
                + " (tasks are local processes; task metadata at " + ecsEndpoint + LocalEcs.METADATA_PATH + "<task id>)");
        log.println("  data         " + options.home());
        log.println("  local.env    " + localEnvFile + "   (. " + shortPath(localEnvFile) + " points AWS tools here)");
        log.println("Try:  curl -i -X POST -d \"name=hello&command=sh infra/simulations/hello.sh\" " + apiUrl + "/api/run");
        log.println("Ctrl-C stops everything.");
    }

    private String shortPath(Path path) {
        return path.startsWith(options.workDir()) ? options.workDir().relativize(path).toString() : path.toString();
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private interface Start<T> {
        T start() throws Exception;
    }

    private static <T> Future<T> background(Start<T> start) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                future.complete(start.start());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    // A process-owning part being started; close() stops it even when the start as a whole failed.
    private <T extends AutoCloseable> Future<T> launch(Start<T> start) {
        Future<T> future = background(start);
        synchronized (pending) {
            pending.add(future);
        }
        return future;
    }

    // Waits for a launched part and hands it to the stack of things close() stops.
    private <T extends AutoCloseable> T take(Future<T> future) {
        T part = await(future);
        synchronized (pending) {
            if (pending.remove(future)) {
                started.push(part);
            }
        }
        return part;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    // Waits for every one; the first failure (a taken port above all) is the one reported.
    private static void awaitAll(List<Future<?>> futures) {
        RuntimeException failure = null;
        for (Future<?> future : futures) {
            try {
                await(future);
            } catch (RuntimeException e) {
                failure = failure == null || e instanceof PortInUse && !(failure instanceof PortInUse) ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static <T> T emulator(Start<T> start, int port, String purpose, String setting) throws Exception {
        try {
            return start.start();
        } catch (PortInUseException e) {
            throw new PortInUse(port, purpose, setting);
        }
    }

    // Port 0 means any free port; it is chosen here so every endpoint is known before anything starts.
    private static int freeIfZero(int port) {
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * Invokes a function of the template by its logical id with the given event, as {@code aws lambda
     * invoke} would (for example the sweeper, without waiting for its minute), and returns its answer.
     */
    public byte[] invoke(String functionName, byte[] event) {
        var result = functions.invoke(functionName, event);
        if (result.failed()) {
            throw new IllegalStateException(functionName + " failed: "
                    + new String(result.payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return result.payload();
    }

    /**
     * Kills dynalite at once, as a crash would (for tests of an outage): every DynamoDB call of the functions fails
     * until {@link #restartDynamoDb()}. Its data stays in {@code $LACKEY_HOME/dynamodb}.
     */
    public synchronized void killDynamoDb() {
        dynalite.kill();
    }

    /** Starts dynalite again, on the same port and the same data folder: the functions carry on where they were. */
    public synchronized void restartDynamoDb() {
        dynalite = Dynalite.start(layout, options.home().resolve("dynamodb"), dynamoDbEndpoint.getPort());
        started.push(dynalite);
    }

    /** Kills S3Proxy at once, as a crash would; the bucket folder stays in {@code $LACKEY_HOME/s3}. */
    public synchronized void killS3() {
        s3proxy.kill();
    }

    /** Starts S3Proxy again, on the same port and the same bucket folder. */
    public synchronized void restartS3() {
        s3proxy = S3ProxyServer.start(layout, options.home().resolve("s3"), s3Endpoint.getPort(), s3proxy.accessKey(),
                s3proxy.secretKey());
        started.push(s3proxy);
    }

    /** The local EventBridge, for tests that make it refuse entries ({@link LocalEventBus#failNextEntries}). */
    public LocalEventBus eventBus() {
        return eventBus;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:8000}. */
    public URI apiUrl() {
        return apiUrl;
    }

    /** $LACKEY_HOME. */
    public Path home() {
        return options.home();
    }

    /** {@code $LACKEY_HOME/local.env}. */
    public Path localEnvFile() {
        return localEnvFile;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public URI eventBridgeEndpoint() {
        return eventBridgeEndpoint;
    }

    /** The local ECS endpoint ({@code AWS_ENDPOINT_URL_ECS}): StopTask, DescribeTasks, ListTasks. */
    public URI ecsEndpoint() {
        return ecsEndpoint;
    }

    /** The variables written to local.env (endpoints, region, credentials, LACKEY_TABLE …, LACKEY_API). */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** The template as the local cloud runs it. */
    public SamTemplate template() {
        return template;
    }

    /**
     * What rules published to SNS topics (the notifications of template.yaml), oldest first: locally they are
     * printed as {@code [sns] <topic>: <message>} lines and kept here, as no e-mail can be sent.
     */
    public List<LocalTopics.Message> snsMessages() {
        return topics.messages();
    }

    /** The local ECS, for tests that make its tasks fail to start ({@link LocalEcs#failNextTasks}). */
    LocalEcs ecs() {
        return ecs;
    }

    /** The template's queues (dead-letter queues), for tests that look into them. */
    LocalQueues queues() {
        return queues;
    }

    /** The processes of dispatched runs still running. */
    public List<ProcessHandle> runningSimulations() {
        return simulations == null ? List.of() : simulations.running().stream().map(Process::toHandle).toList();
    }

    /** The JVMs hosting the functions. */
    public List<ProcessHandle> functionHosts() {
        return functions == null ? List.of() : functions.processes();
    }

    /** Stops everything it started, last started first: API, rules, simulations, function hosts, emulators. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Future<? extends AutoCloseable>> unfinished;
        synchronized (pending) {
            unfinished = List.copyOf(pending);
            pending.clear();
        }
        for (Future<? extends AutoCloseable> part : unfinished) {
            try {
                part.get().close();
            } catch (Exception e) {
                // it failed to start, so there is nothing to stop
            }
        }
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.println("stopping " + next.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
    }

    /** {@code ./lackey local}: starts, prints where everything is, and runs until Ctrl-C. */
    /**
     * Reads {@code --parameter-overrides Name=Value …} as SAM does; anything else is a usage error.
     */
    static Map<String, String> parameterOverrides(String[] args) {
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        boolean reading = false;
        for (String arg : args) {
            if (arg.equals("--parameter-overrides")) {
                reading = true;
            } else if (reading && arg.indexOf('=') > 0) {
                overrides.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg
                        + "': the options are --iam and --parameter-overrides Name=Value ...");
            }
        }
        return overrides;
    }

    public static void main(String[] args) {
        Options options;
        try {
            List<String> rest = new ArrayList<>(List.of(args));
            boolean iam = rest.remove("--iam");
            Options fromEnvironment = Options.fromEnvironment(System.getenv());
            options = fromEnvironment.withParameterOverrides(parameterOverrides(rest.toArray(String[]::new)))
                    .withIam(iam || fromEnvironment.iam());
        } catch (RuntimeException e) {
            System.err.println("lackey local: " + e.getMessage());
            System.exit(1);
            return;
        }
        LocalCloud cloud;
        try {
            cloud = start(options);
        } catch (RuntimeException e) {
            System.err.println("lackey local: " + e.getMessage());
            if (!(e instanceof PortInUse) && System.getenv("LACKEY_DEBUG") != null) {
                e.printStackTrace();
            }
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lackey-shutdown").unstarted(() -> {
            System.out.println("\nlackey local: stopping …");
            cloud.close();
            System.out.println("lackey local: stopped at " + Instant.now());
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
