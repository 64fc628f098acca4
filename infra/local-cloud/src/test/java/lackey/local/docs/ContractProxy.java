package lackey.local.docs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import lackey.contract.ApiContract;

/**
 * A pass-through in front of the local API for the doc test: the docs' commands talk to it as if it were the API,
 * and every answer from the API (under {@code /api/}; the dashboard's pages share its port, not its contract) is
 * held to openapi.yaml on its way back, so the docs' examples keep the description true as the other end-to-end
 * tests do. What the description does not allow is collected, not thrown, for the
 * doc test to report with the command that got it.
 */
final class ContractProxy implements AutoCloseable {

    /** Headers the JDK client sets itself or that belong to one connection only. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final ApiContract contract = ApiContract.ofRepository();

    ContractProxy(int apiPort) throws IOException {
        this.target = URI.create("http://127.0.0.1:" + apiPort);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The answers since the last call that openapi.yaml does not allow, each with its reason. */
    List<String> drainViolations() {
        List<String> found = List.copyOf(violations);
        violations.removeAll(found);
        return found;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery)).timeout(Duration.ofSeconds(150))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            // openapi.yaml describes the API under /api/; the dashboard's pages share its port but not its contract
            if (exchange.getRequestURI().getRawPath().startsWith("/api/")) {
                try {
                    contract.check(method, pathAndQuery, answer.statusCode(), answer.headers().map(),
                            new String(answer.body(), StandardCharsets.UTF_8));
                } catch (AssertionError violation) {
                    violations.add(violation.getMessage());
                }
            }
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            boolean noBody = answer.body().length == 0 || method.equals("HEAD");
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : answer.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
