package lackey.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Cold start, measured side by side: wall time from process launch to exit for a bare hello-world JVM
 * and for a fresh JVM handling its first request with the Lambda artifact (against the emulators, over
 * the wire), plain, with the template's JAVA_TOOL_OPTIONS, and with a JDK 25 AOT cache. Variants are
 * interleaved round by round so machine noise hits them alike; the table gives medians and ratios.
 * Run with {@code ./lackey bench [rounds]}.
 */
public final class ColdStartBenchmark {

    private static final String TABLE = "lackey-bench";
    private static final String BUCKET = "lackey-bench";
    private static final String KEY = "bench";
    private static final String SECRET = "bench-secret";

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ProjectLayout layout = ProjectLayout.find();
        Path root = layout.templateYaml().getParent();
        Path functionsJar = root.resolve("functions/target/lackey-functions.jar");
        Path work = Files.createTempDirectory("lackey-bench-");
        try (Dynalite dynalite = Dynalite.start(null, 0);
             S3ProxyServer s3proxy = S3ProxyServer.start(work.resolve("s3"), 0, KEY, SECRET);
             LocalEventBus bus = LocalEventBus.start(0, "us-east-1", "000000000000")) {
            createTableAndBucket(dynalite, s3proxy);
            Map<String, String> env = new HashMap<>();
            env.put("LACKEY_TABLE", TABLE);
            env.put("LACKEY_BUCKET", BUCKET);
            env.put("LACKEY_BUS", "lackey");
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", KEY);
            env.put("AWS_SECRET_ACCESS_KEY", SECRET);
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_S3", s3proxy.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", bus.endpoint().toString());

            // AOT caches need jars only on the class path: the probe comes from this module's jar.
            String classPath = String.join(java.io.File.pathSeparator, functionsJar.toString(), jarOf(FirstRequest.class));
            String event = root.resolve("events/schedule-run-form.json").toString();
            List<String> probe = List.of("-cp", classPath, FirstRequest.class.getName(), "lackey.api.ScheduleRunHandler", event);
            Path aot = work.resolve("lackey.aot");
            List<String> training = new ArrayList<>(List.of("-XX:AOTCacheOutput=" + aot));
            training.addAll(probe);
            run(training, env); // the training run records what a first request loads and links

            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("hello world JVM", List.of("-cp", jarOf(HelloWorld.class), HelloWorld.class.getName()));
            variants.put("first request, plain JVM", probe);
            var tiered = new ArrayList<>(List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"));
            tiered.addAll(probe);
            variants.put("first request, C1 only (template)", tiered);
            var cached = new ArrayList<>(List.of("-XX:AOTCache=" + aot));
            cached.addAll(probe);
            variants.put("first request, AOT cache", cached);
            var cachedTiered = new ArrayList<>(List.of("-XX:AOTCache=" + aot, "-XX:TieredStopAtLevel=1"));
            cachedTiered.addAll(probe);
            variants.put("first request, AOT cache + C1 only", cachedTiered);

            Map<String, List<Long>> wall = new LinkedHashMap<>();
            Map<String, List<Long>> handle = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (var variant : variants.entrySet()) {
                    long begin = System.nanoTime();
                    String out = run(variant.getValue(), env);
                    wall.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - begin) / 1_000_000);
                    String[] parts = out.strip().split(" ");
                    if (parts.length == 3) {
                        if (!parts[0].equals("201")) {
                            throw new IllegalStateException(variant.getKey() + " answered " + out);
                        }
                        handle.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(Long.parseLong(parts[1]) + Long.parseLong(parts[2]));
                    }
                }
            }
            long hello = median(wall.get("hello world JVM"));
            System.out.printf("%nCold start, %d rounds, medians (JDK %s, %d cores)%n", rounds,
                    Runtime.version(), Runtime.getRuntime().availableProcessors());
            System.out.printf("%-36s %12s %18s %14s%n", "variant", "wall ms", "init+first req ms", "× hello world");
            for (var variant : wall.entrySet()) {
                List<Long> inside = handle.get(variant.getKey());
                System.out.printf("%-36s %12d %18s %14.1f%n", variant.getKey(), median(variant.getValue()),
                        inside == null ? "-" : Long.toString(median(inside)), (double) median(variant.getValue()) / hello);
            }
        }
    }

    private static void createTableAndBucket(Dynalite dynalite, S3ProxyServer s3proxy) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET));
        try (var dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(dynalite.endpoint()).build();
             var s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .endpointOverride(s3proxy.endpoint()).forcePathStyle(true).build()) {
            dynamo.createTable(create -> create.tableName(TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.N).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            s3.createBucket(create -> create.bucket(BUCKET));
        }
    }

    private static String jarOf(Class<?> type) throws Exception {
        Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!location.toString().endsWith(".jar")) {
            throw new IllegalStateException(type + " is not loaded from a jar (" + location + "): run ./mvnw -DskipTests package first");
        }
        return location.toString();
    }

    private static String run(List<String> javaArgs, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(javaArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("benchmark child failed: " + command + "\n" + out);
        }
        return out.lines().filter(l -> !l.startsWith("[")).reduce((a, b) -> b).orElse("");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
