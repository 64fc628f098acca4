package lackey.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code lackey ui}'s server, like {@code kubectl proxy}: on 127.0.0.1 only, it serves the dashboard's static
 * files from the class path ({@value #DASHBOARD}) and forwards {@code /api/*} to the lackey API, signing each call
 * with the user's credentials when the API needs it. No login service and no AWS resource: the browser talks to
 * this process, this process to the API. Requests naming another host (DNS rebinding) or, for the API, coming
 * from another site's page (cross-site requests) are refused, so no web page can use the user's credentials.
 */
final class UiServer implements AutoCloseable {

    /** Where the dashboard's files are on the class path (clients/dashboard packages them there). */
    static final String DASHBOARD = "lackey/dashboard/";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"), Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"));
    /** Answer headers passed back to the browser; the rest are the API's business. */
    private static final Set<String> PASSED_BACK = Set.of("content-type", "location", "cache-control", "apigw-requestid");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final LackeyApi api;
    private final ClassLoader resources;
    private final PrintWriterLog log;

    /** Where the server tells what it forwarded: one line per API call, never a body. */
    interface PrintWriterLog {
        void line(String text);
    }

    private UiServer(HttpServer server, LackeyApi api, ClassLoader resources, PrintWriterLog log) {
        this.server = server;
        this.api = api;
        this.resources = resources;
        this.log = log;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port) and serves until closed. */
    static UiServer start(int port, LackeyApi api, ClassLoader resources, PrintWriterLog log) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
        UiServer ui = new UiServer(server, api, resources, log);
        server.setExecutor(ui.executor);
        server.createContext("/", ui::serve);
        server.start();
        return ui;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!ownHost(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "text/plain; charset=utf-8", "lackey ui answers only as 127.0.0.1 or localhost\n");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/api/")) {
                forward(exchange);
            } else {
                file(exchange, path);
            }
        } catch (RuntimeException e) {
            log.line("lackey ui: " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " failed: " + e);
        }
    }

    private boolean ownHost(String host) {
        int port = server.getAddress().getPort();
        return host != null && (host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port));
    }

    private void forward(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        int port = server.getAddress().getPort();
        boolean foreignOrigin = origin != null && !origin.equals("http://127.0.0.1:" + port) && !origin.equals("http://localhost:" + port);
        if (foreignOrigin || "cross-site".equals(site)) {
            send(exchange, 403, "application/json", "{\"error\":\"forbidden\",\"message\":\"lackey ui signs calls for its own pages only\"}");
            return;
        }
        String method = exchange.getRequestMethod();
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        LackeyApi.Answer answer;
        try {
            answer = api.call(method, target, new LackeyApi.Body(type, body), true);
        } catch (CliFailure failure) {
            log.line("lackey ui: " + method + " " + exchange.getRequestURI().getRawPath() + ": " + failure.getMessage());
            String message = failure.getMessage().replace("\\", "\\\\").replace("\"", "\\\"");
            send(exchange, 502, "application/json", "{\"error\":\"api_unreachable\",\"message\":\"" + message + "\"}");
            return;
        }
        log.line("lackey ui: " + method + " " + exchange.getRequestURI().getRawPath() + " " + answer.status());
        answer.headers().forEach((name, values) -> {
            if (PASSED_BACK.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        if (answer.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    private void file(HttpExchange exchange, String path) throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            send(exchange, 405, "text/plain; charset=utf-8", "only GET here\n");
            return;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        if (name.contains("..") || name.contains("//") || name.contains("\\")) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        InputStream resource = resources.getResourceAsStream(DASHBOARD + name);
        if (resource == null && !name.contains(".")) {
            name = "index.html"; // a route of the single-page app: the page itself handles it
            resource = resources.getResourceAsStream(DASHBOARD + name);
        }
        if (resource == null) {
            if (name.equals("index.html")) {
                send(exchange, 200, TYPES.get("html"), "<!doctype html><title>lackey</title><p>The dashboard is not built into "
                        + "this lackey (no " + DASHBOARD + "index.html on the class path). The API is here all the same: "
                        + "<a href=\"/api/runs\">/api/runs</a>.</p>\n");
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            }
            return;
        }
        byte[] bytes;
        try (InputStream content = resource) {
            bytes = content.readAllBytes();
        }
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
        if (!exchange.getRequestMethod().equals("HEAD")) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
