package lackey.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files (clients/dashboard, built into class path resources under {@link #PREFIX}) as HTTP
 * answers for a path: the file with its content type and cache headers, {@code index.html} for {@code /} and
 * for the dashboard's own pages ({@code /runs/42}, {@code /sweeps/11}), a JSON 404 for anything else.
 * Knows nothing of the HTTP server in front of it, so any front (the local cloud, {@code lackey ui}) can use it.
 */
public final class DashboardAssets {

    /** Where the dashboard module puts its built files on the class path. */
    public static final String PREFIX = "lackey/dashboard/";

    /** The dashboard's client-side routes: the page is index.html, and its script shows the route. */
    private static final Pattern PAGE = Pattern.compile("/|/runs/?|/runs/[^/.]+|/sweeps/[^/.]+");
    /** A file's path: plain names in folders, no empty, "." or ".." segment, nothing to escape. */
    private static final Pattern FILE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));
    /** Vite names every built asset under /assets/ by its content's hash: a new build is a new name. */
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** index.html and unhashed files: the browser asks again each time (a 200 from memory is cheap locally). */
    private static final String REVALIDATE = "no-cache";

    private final ClassLoader loader;
    private final String prefix;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** One answer: status, content type, Cache-Control, and the bytes of the body. */
    public record Asset(int status, String contentType, String cacheControl, byte[] body) {

        /** The response headers: these three plus nosniff (types are as declared) and no referrer to S3. */
        public Map<String, String> headers() {
            return Map.of("Content-Type", contentType, "Cache-Control", cacheControl,
                    "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer");
        }
    }

    /** The dashboard as built into the class path under {@link #PREFIX}. */
    public DashboardAssets() {
        this(DashboardAssets.class.getClassLoader(), PREFIX);
    }

    /** Files from another class path prefix (tests use a small fixture). */
    DashboardAssets(ClassLoader loader, String prefix) {
        this.loader = loader;
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** Whether the dashboard was built into this class path (its index.html is there). */
    public boolean available() {
        return read("index.html").isPresent();
    }

    /**
     * The answer for a GET or HEAD of a request path as sent, still percent-encoded ({@code /runs/42},
     * {@code /assets/index-3f2a.js}).
     */
    public Asset get(String rawPath) {
        String path = decode(rawPath);
        if (path == null) {
            return notFound(rawPath);
        }
        if (PAGE.matcher(path).matches()) {
            return read("index.html")
                    .map(bytes -> new Asset(200, TYPES.get("html"), REVALIDATE, bytes))
                    .orElseGet(DashboardAssets::notBuilt);
        }
        if (!FILE.matcher(path).matches()) {
            return notFound(path);
        }
        String name = path.substring(1);
        return read(name)
                .map(bytes -> new Asset(200, typeOf(name), name.startsWith("assets/") ? IMMUTABLE : REVALIDATE, bytes))
                .orElseGet(() -> notFound(path));
    }

    // Files found are kept (a few hundred KB in all); misses are not, so probing made-up paths costs no memory.
    private Optional<byte[]> read(String name) {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = loader.getResourceAsStream(prefix + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + name + ": " + e.getMessage(), e);
        }
    }

    // The path decoded, or null when it is not a path or its escapes are broken. Whatever it decodes to must
    // then match PAGE or FILE, which admit no "..", no backslash, no encoded byte outside plain names.
    private static String decode(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        try {
            return URI.create("http://localhost" + rawPath).getPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String typeOf(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static Asset notFound(String path) {
        return json(404, "not_found", "No page or file at " + path + ": the dashboard is at /, the API under /api/");
    }

    private static Asset notBuilt() {
        return json(404, "not_found", "The dashboard is not built into this class path: run ./mvnw -DskipTests package");
    }

    private static Asset json(int status, String error, String message) {
        String body = "{\"error\":\"" + escape(error) + "\",\"message\":\"" + escape(message) + "\"}";
        return new Asset(status, "application/json", "no-store", body.getBytes(StandardCharsets.UTF_8));
    }

    // JSON string escaping for the few characters a path can bring into a message.
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
