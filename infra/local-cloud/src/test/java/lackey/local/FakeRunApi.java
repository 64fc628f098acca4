package lackey.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny stand-in for lackey's API, for the curl wrapper's shell-level tests only: it answers the calls of one run
 * (id 7) as lackey does when all goes well, records every request byte for byte, and can be told to answer a route
 * otherwise a few times (a 503, a 409, a connection closed without an answer). Upload links point back at it, and
 * what is put there is recorded too. The end-to-end tests use the real local cloud instead.
 */
final class FakeRunApi implements AutoCloseable {

    static final long RUN = 7;
    static final String TOKEN = "1c7a2a4e-1f0e-4d8a-9f3b-5e6d7c8b9a00";

    /** One request as it arrived. */
    record Call(String method, String path, Map<String, List<String>> headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The form field {@code name}, decoded, or null. */
        String field(String name) {
            for (String pair : text().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().getFirst()).orElse(null);
        }
    }

    /** A scripted answer: a status and a body, or no answer at all (the connection is closed). */
    record Answer(int status, String body) {
        static final Answer HANG_UP = new Answer(-1, "");
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripted = new ConcurrentHashMap<>();

    FakeRunApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next answers to {@code "METHOD /path"} (a prefix: {@code PUT /api/run/heartbeat}); then the usual ones. */
    FakeRunApi answer(String route, Answer... answers) {
        scripted.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls to {@code "METHOD /path"} (a prefix), in order. */
    List<Call> calls(String route) {
        return calls.stream().filter(call -> (call.method() + " " + call.path()).startsWith(route)).toList();
    }

    /** The routes called, in order, without the run id: {@code "PUT /api/run/start"}. */
    List<String> routes() {
        return calls.stream().map(call -> call.method() + " " + call.path().replaceAll("/" + RUN + "$", "")
                .replaceAll("^/upload/.*", "/upload")).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body);
            calls.add(call);
            Answer answer = scriptedAnswer(call.method() + " " + call.path());
            if (answer == null) {
                answer = usual(call);
            }
            if (answer == Answer.HANG_UP) {
                return; // closed without a status line: curl says "Empty reply from server"
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private Answer scriptedAnswer(String route) {
        for (Map.Entry<String, Deque<Answer>> entry : scripted.entrySet()) {
            if (route.startsWith(entry.getKey())) {
                Answer next = entry.getValue().poll();
                if (next != null) {
                    return next;
                }
            }
        }
        return null;
    }

    private static final Pattern NAME = Pattern.compile("\"names\":\\[\"((?:[^\"\\\\]|\\\\.)*)\"]");

    // What lackey answers when all goes well, as far as the wrapper reads it.
    private Answer usual(Call call) {
        String route = call.method() + " " + call.path();
        if (route.equals("POST /api/run")) {
            return new Answer(201, "{\"id\":" + RUN + ",\"name\":\"x\",\"status\":\"SCHEDULED\",\"token\":\"" + TOKEN + "\"}");
        }
        if (route.startsWith("PUT /api/run/start/") || route.startsWith("PUT /api/run/heartbeat/")) {
            return new Answer(200, "{\"id\":" + RUN + ",\"status\":\"RUNNING\"}");
        }
        if (route.startsWith("PUT /api/run/stop/")) {
            String exit = call.field("exit");
            String status = exit == null || exit.equals("0") ? "FINISHED" : "FAILED";
            return new Answer(200, "{\"id\":" + RUN + ",\"status\":\"" + status + "\",\"exitCode\":" + (exit == null ? 0 : exit) + "}");
        }
        if (route.startsWith("POST /api/run/log-upload/")) {
            return new Answer(200, "{\"id\":" + RUN + ",\"logUpload\":\"logs/7/1.log\",\"method\":\"PUT\",\"url\":\"" + url()
                    + "/upload/logs/7/1.log?X-Amz-Signature=abc&X-Amz-Expires=3600\"}");
        }
        if (route.startsWith("POST /api/run/output-upload/")) {
            Matcher name = NAME.matcher(call.text());
            if (!name.find()) {
                return new Answer(400, "{\"error\":\"invalid_input\",\"message\":\"names: one name a call in this fake\"}");
            }
            String escaped = name.group(1);
            String plain = escaped.replace("\\\"", "\"").replace("\\\\", "\\");
            String encoded = java.net.URLEncoder.encode(plain, StandardCharsets.UTF_8).replace("+", "%20");
            return new Answer(200, "{\"id\":" + RUN + ",\"uploads\":[{\"name\":\"" + escaped + "\",\"url\":\"" + url()
                    + "/upload/exchange/7/out/" + encoded + "?X-Amz-Signature=abc\",\"method\":\"PUT\"}]}");
        }
        if (route.startsWith("GET /v4/") && route.endsWith("/task")) { // the ECS task metadata endpoint
            String task = call.path().substring("/v4/".length(), call.path().length() - "/task".length());
            return new Answer(200, "{\"Cluster\":\"lackey-simulation\",\"TaskARN\": \"arn:aws:ecs:us-east-1:000000000000:task/"
                    + "lackey-simulation/" + task + "\",\"Family\":\"lackey-simulation\"}");
        }
        if (route.startsWith("PUT /upload/")) {
            return new Answer(200, "");
        }
        return new Answer(404, "{\"error\":\"run_not_found\",\"message\":\"no route " + route + " in the fake\"}");
    }

    /** The bodies of the uploads, by the key they were put at. */
    Map<String, byte[]> uploads() {
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        for (Call call : calls("PUT /upload/")) {
            uploads.put(URLDecoder.decode(call.path().substring("/upload/".length()), StandardCharsets.UTF_8), call.body());
        }
        return uploads;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
