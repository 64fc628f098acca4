package lackey.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import lackey.local.template.FunctionDefinition;
import lackey.local.template.HttpRoute;

/**
 * The local API Gateway (HTTP API) on 127.0.0.1: matches each request to a route of template.yaml,
 * hands the function a payload 2.0 event through the local Lambda service, and writes its response.
 * One log line per request (method, path, status, time); never bodies or query strings, which carry tokens.
 */
final class ApiGateway implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpApiRoutes routes;
    private final Map<String, String> functionNames;
    private final FunctionHosts functions;
    private final String accountId;
    private final String apiId;
    private final PrintStream log;
    private final DashboardAssets dashboard = new DashboardAssets();

    private ApiGateway(HttpServer server, List<HttpRoute> routes, List<FunctionDefinition> definitions,
                       FunctionHosts functions, String accountId, String apiId, PrintStream log) {
        this.server = server;
        this.routes = new HttpApiRoutes(routes);
        this.functionNames = definitions.stream().collect(Collectors.toMap(
                FunctionDefinition::logicalId, FunctionDefinition::functionName));
        this.functions = functions;
        this.accountId = accountId;
        this.apiId = apiId;
        this.log = log;
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 picks a free one) without serving yet, so the API's URL is known
     * before the functions and rules that need it start.
     *
     * @throws IOException when the port cannot be bound
     */
    static HttpServer bind(int port) throws IOException {
        // TCP_NODELAY, as in FunctionHost: else every answer of more than a few KB (a page of runs) waits
        // ~40 ms for the client's delayed ACK. The JDK reads this once, when its HTTP server is first used,
        // and the API is the first server the local cloud binds.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
    }

    /** Starts serving the template's routes on a server from {@link #bind(int)}. */
    static ApiGateway start(HttpServer server, List<HttpRoute> routes, List<FunctionDefinition> definitions,
                            FunctionHosts functions, String accountId, String apiId, PrintStream log) {
        ApiGateway gateway = new ApiGateway(server, routes, definitions, functions, accountId, apiId, log);
        server.setExecutor(gateway.executor);
        server.createContext("/", gateway::serve);
        server.start();
        return gateway;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) {
        long start = System.nanoTime();
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        int status = 500;
        try (exchange) {
            HttpApiEvents.Response response = handle(exchange, method, rawPath);
            status = response.status();
            write(exchange, response);
        } catch (IOException | RuntimeException e) {
            log.println("[api] " + method + " " + rawPath + " failed: " + e);
        } finally {
            log.printf("[api] %s %s %d %d ms%n", method, rawPath, status, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private HttpApiEvents.Response handle(HttpExchange exchange, String method, String rawPath) throws IOException {
        String requestId = requestId();
        exchange.getResponseHeaders().set("Apigw-Requestid", requestId);
        Optional<HttpApiRoutes.Match> match = routes.match(method, rawPath);
        if (match.isEmpty() && (method.equals("GET") || method.equals("HEAD")) && !rawPath.startsWith("/api/")) {
            // not the API's: the dashboard's pages and files (API routes keep priority)
            DashboardAssets.Asset asset = dashboard.get(rawPath);
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            asset.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            return new HttpApiEvents.Response(asset.status(), headers, asset.body());
        }
        if (match.isEmpty()) {
            return HttpApiEvents.Response.json(404, "not_found", "No route for " + method + " " + rawPath);
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && parseLong(length) > HttpApiEvents.MAX_BODY_BYTES) {
            // Read a moderately oversized body before answering: closing on a client still sending makes
            // it see a reset instead of the 413. Beyond DRAIN_LIMIT it may see the reset.
            if (parseLong(length) <= DRAIN_LIMIT) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            }
            return tooLarge();
        }
        byte[] body = readAtMost(exchange.getRequestBody(), HttpApiEvents.MAX_BODY_BYTES);
        if (body == null) {
            return tooLarge();
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> values.forEach(value -> headers.add(Map.entry(name, value))));
        String rawQuery = exchange.getRequestURI().getRawQuery();
        HttpApiEvents.Request request = new HttpApiEvents.Request(method, rawPath, rawQuery == null ? "" : rawQuery,
                headers, body, exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getProtocol());
        HttpApiEvents.Stage stage = new HttpApiEvents.Stage(accountId, apiId, requestId, Instant.now());
        byte[] event = HttpApiEvents.event(request, match.get(), stage).toString().getBytes(StandardCharsets.UTF_8);
        String function = functionNames.get(match.get().route().function());
        FunctionHosts.Invocation invocation = functions.invoke(function, event);
        if (invocation.failed()) {
            // as HTTP API does: the function's error stays in its log, the client gets a plain 500
            return HttpApiEvents.Response.json(500, "internal", "Internal Server Error");
        }
        return HttpApiEvents.response(invocation.payload());
    }

    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private static HttpApiEvents.Response tooLarge() {
        return HttpApiEvents.Response.json(413, "too_large", "The request body is larger than 10 MB, HTTP API's payload limit");
    }

    private static void write(HttpExchange exchange, HttpApiEvents.Response response) throws IOException {
        response.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, List.copyOf(values)));
        boolean noBody = response.body().length == 0 || exchange.getRequestMethod().equals("HEAD")
                || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    // Reads the body, or returns null as soon as it is longer than the limit.
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // HTTP API's request ids look like "JKJaXmPLvHcESHA=": 11 random bytes in base64.
    private static String requestId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
