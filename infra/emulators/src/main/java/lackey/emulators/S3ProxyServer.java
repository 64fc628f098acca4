package lackey.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * S3Proxy, the S3 emulator, running as its own JVM on 127.0.0.1 over a folder on disk: each bucket
 * is a sub-folder and each object a file. It checks AWS signatures (V2 and V4), so presigned URLs
 * are really verified.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** Access key the local cloud uses when none is given; only ever valid against this emulator. */
    public static final String DEFAULT_ACCESS_KEY = "lackey-local";
    /** Secret key paired with {@link #DEFAULT_ACCESS_KEY}. */
    public static final String DEFAULT_SECRET_KEY = "lackey-local-secret";

    private final EmulatorProcess process;
    private final Path baseDir;
    private final String accessKey;
    private final String secretKey;

    private S3ProxyServer(EmulatorProcess process, Path baseDir, String accessKey, String secretKey) {
        this.process = process;
        this.baseDir = baseDir;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** As {@link #start(Path, int, String, String)} with {@link #DEFAULT_ACCESS_KEY} and {@link #DEFAULT_SECRET_KEY}. */
    public static S3ProxyServer start(Path baseDir, int port) {
        return start(baseDir, port, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /**
     * Starts S3Proxy from the project found by {@link ProjectLayout#find()}.
     *
     * @param baseDir folder holding the buckets (created if missing); it outlives the server
     * @param port the port on 127.0.0.1, or 0 to pick a free one
     * @param accessKey the only access key requests may be signed with
     * @param secretKey its secret
     * @throws PortInUseException when the port is taken
     * @throws IllegalStateException when the jar is missing or S3Proxy does not start; the message holds its output
     */
    public static S3ProxyServer start(Path baseDir, int port, String accessKey, String secretKey) {
        return start(ProjectLayout.find(), baseDir, port, accessKey, secretKey);
    }

    /**
     * One CORS rule of a bucket, as S3's {@code CORSRule} has it: origins (each with at most one {@code *} wildcard,
     * or {@code *} alone for any), methods and request headers a cross-origin request may use.
     */
    public record CorsRule(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders) {

        public CorsRule {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedMethods = List.copyOf(allowedMethods);
            allowedHeaders = List.copyOf(allowedHeaders);
        }
    }

    /** As {@link #start(Path, int, String, String)}, with S3Proxy taken from the given project; no cross-origin access. */
    public static S3ProxyServer start(ProjectLayout layout, Path baseDir, int port, String accessKey, String secretKey) {
        return start(layout, baseDir, port, accessKey, secretKey, List.of());
    }

    /**
     * As {@link #start(Path, int, String, String)}, with S3Proxy taken from the given project, answering
     * cross-origin requests (browsers reading presigned URLs from a page) as these rules allow.
     */
    public static S3ProxyServer start(ProjectLayout layout, Path baseDir, int port, String accessKey, String secretKey,
                                      List<CorsRule> corsRules) {
        Objects.requireNonNull(baseDir, "baseDir");
        requireNonBlank(accessKey, "accessKey");
        requireNonBlank(secretKey, "secretKey");
        Path jar = layout.s3proxyJar();
        Path root = baseDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create S3Proxy's base folder " + root + ": " + e, e);
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        EmulatorProcess process = EmulatorProcess.start("s3proxy", port, (chosenPort, scratchDir) -> {
            // The configuration lives in the scratch folder, not in baseDir, where it would look like an object store entry.
            Path properties = scratchDir.resolve("s3proxy.properties");
            writeProperties(properties, configuration(chosenPort, root, accessKey, secretKey, corsRules));
            return List.of(java,
                    // a short-lived developer tool: start fast and small rather than peak throughput
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                    // logback's own start-up chatter would bury the lines that matter in the log
                    "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                    "-jar", jar.toString(), "--properties", properties.toString());
        }, "S3Proxy runs on the current JVM (" + java + ").");
        return new S3ProxyServer(process, root, accessKey, secretKey);
    }

    static Properties configuration(int port, Path baseDir, String accessKey, String secretKey, List<CorsRule> corsRules) {
        Properties properties = new Properties();
        // Jetty binds to exactly this address: loopback only.
        properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
        // Signatures are checked, V2 and V4 alike, presigned URLs included; "none" would accept anything.
        properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        properties.setProperty("s3proxy.identity", accessKey);
        properties.setProperty("s3proxy.credential", secretKey);
        properties.setProperty("jclouds.provider", "filesystem");
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        // No s3proxy.virtual-host: clients use path-style requests, which SDKs do by themselves for IP endpoints.
        properties.putAll(cors(corsRules));
        return properties;
    }

    // S3 keeps CORS rules per bucket and S3Proxy one policy for all, with regular expressions for origins:
    // the rules are merged (any origin, method or header one rule allows, all allow), which is exact for one
    // bucket with one rule, lackey's case. No rules: S3Proxy answers no cross-origin request, as S3 does.
    private static Properties cors(List<CorsRule> rules) {
        Properties properties = new Properties();
        if (rules.isEmpty()) {
            return properties;
        }
        Set<String> origins = new LinkedHashSet<>();
        Set<String> methods = new TreeSet<>();
        Set<String> headers = new LinkedHashSet<>();
        for (CorsRule rule : rules) {
            rule.allowedOrigins().forEach(origin -> origins.add(origin.equals("*") ? "*" : originPattern(origin)));
            methods.addAll(rule.allowedMethods());
            headers.addAll(rule.allowedHeaders());
        }
        properties.setProperty("s3proxy.cors-allow-origins", origins.contains("*") ? "*" : String.join(" ", origins));
        properties.setProperty("s3proxy.cors-allow-methods", String.join(" ", methods));
        if (!headers.isEmpty()) {
            properties.setProperty("s3proxy.cors-allow-headers", String.join(" ", headers));
        }
        return properties;
    }

    // S3's "http://127.0.0.1:*" as a regular expression: the text around the wildcard quoted, the wildcard any text.
    private static String originPattern(String origin) {
        return Arrays.stream(origin.split("\\*", -1)).map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                .collect(Collectors.joining(".*"));
    }

    private static void writeProperties(Path file, Properties properties) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            properties.store(writer, "written by lackey.emulators.S3ProxyServer");
        }
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** Where S3 clients send requests, e.g. {@code http://127.0.0.1:9000}; use path-style addressing. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + process.port());
    }

    public int port() {
        return process.port();
    }

    /** The folder holding the buckets. */
    public Path baseDir() {
        return baseDir;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** S3Proxy's own output (deleted by a clean {@link #close()}). */
    public Path logFile() {
        return process.logFile();
    }

    /**
     * Kills the process at once (SIGKILL), as a crash would; its data folder stays, and a new one started on
     * the same folder and port takes over where it left off.
     */
    public void kill() {
        process.kill();
    }

    /** The emulator's process. */
    public ProcessHandle processHandle() {
        return process.handle();
    }

    /** Stops S3Proxy and waits for it to exit; the base folder and its buckets stay. */
    @Override
    public void close() {
        process.close();
    }
}
