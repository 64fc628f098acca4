package lackey.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One execution environment of a custom-runtime function, as Lambda runs it: the package's {@code bootstrap} as a
 * process in the task root, with its own Runtime API endpoint ({@code AWS_LAMBDA_RUNTIME_API}) that hands it the
 * function's queued invocations one at a time ({@code GET /2018-06-01/runtime/invocation/next}) and takes their
 * answers ({@code POST …/invocation/{id}/response} or {@code …/error}, and {@code POST …/init/error}).
 */
final class ExecutionEnvironment {

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final String functionName;
    private final BlockingDeque<Invocation> queue;
    private final Listener listener;
    private final HttpServer api;
    private final long launchedNanos = System.nanoTime();
    private final Process process;
    private final String region;
    private volatile Invocation current;
    private volatile long currentStartNanos;
    private volatile double initMillis = -1;
    private volatile boolean reportInit;
    private volatile byte[] initError;
    private volatile boolean waiting;
    private volatile Thread waitingThread;
    private volatile boolean exited;

    /** What the function's pool learns from its environments. */
    interface Listener {
        /** An environment asks for its next invocation: it is idle. */
        void waiting();

        /** An environment took an invocation; its deadline runs from now. */
        void took(ExecutionEnvironment environment, Invocation invocation);

        /** An invocation got its answer. */
        void answered(ExecutionEnvironment environment, Invocation invocation, InvocationResult result);

        /** The environment's process ended; {@code lost} is the invocation it held, if any. */
        void exited(ExecutionEnvironment environment, Optional<Invocation> lost, Optional<byte[]> initError);
    }

    private ExecutionEnvironment(String functionName, BlockingDeque<Invocation> queue, Listener listener, HttpServer api,
                                 Path taskRoot, List<String> command, Map<String, String> environment, Consumer<String> log) {
        this.functionName = functionName;
        this.queue = queue;
        this.listener = listener;
        this.api = api;
        this.region = environment.getOrDefault("AWS_REGION", "us-east-1");
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
        try {
            process = builder.start();
        } catch (IOException e) {
            api.stop(0);
            throw new UncheckedIOException("cannot start " + command + " in " + taskRoot + ": " + e.getMessage(), e);
        }
        pump(process.getInputStream(), log);
        pump(process.getErrorStream(), log);
        process.onExit().thenRun(this::processExited);
    }

    /**
     * Starts an environment: its Runtime API endpoint on a free loopback port, then {@code command} (the package's
     * bootstrap) in {@code taskRoot} with exactly {@code environment} plus {@code AWS_LAMBDA_RUNTIME_API}.
     */
    static ExecutionEnvironment launch(String functionName, BlockingDeque<Invocation> queue, Listener listener, Path taskRoot,
                                       List<String> command, Map<String, String> environment, Consumer<String> log) {
        HttpServer api;
        try {
            api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a Runtime API endpoint: " + e.getMessage(), e);
        }
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        ExecutionEnvironment[] self = new ExecutionEnvironment[1];
        api.createContext(PREFIX, exchange -> self[0].serve(exchange));
        api.start();
        self[0] = new ExecutionEnvironment(functionName, queue, listener, api, taskRoot, command, environment, log);
        return self[0];
    }

    /**
     * Whether it can take an invocation now or in a moment: it finished its init and holds none. Between posting an
     * answer and asking for the next invocation it counts as available, so that calls in a row reuse it.
     */
    boolean available() {
        return !exited && initMillis >= 0 && current == null;
    }

    Optional<Invocation> current() {
        return Optional.ofNullable(current);
    }

    ProcessHandle process() {
        return process.toHandle();
    }

    /** How long the init took (process start to its first request for work), or -1 while it initialises. */
    double initMillis() {
        return initMillis;
    }

    /** Stops the process (Lambda's shutdown of an environment, or a timed-out invocation). */
    void stop() {
        // The bootstrap first, so that it cannot go on to answer; then whatever it had started.
        java.util.List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                answer(exchange, path.substring("invocation/".length(), path.length() - "/response".length()),
                        new InvocationResult(body, Optional.empty(), 0, 0));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                answer(exchange, path.substring("invocation/".length(), path.length() - "/error".length()),
                        new InvocationResult(body, Optional.of("Unhandled"), 0, 0));
            } else if (method.equals("POST") && path.equals("init/error")) {
                initError = body;
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                send(exchange, 404, "{\"errorMessage\":\"unknown Runtime API call " + method + " " + path + "\"}");
            }
        }
    }

    // The environment is idle until the function's queue has work for it; its init ends with its first call here.
    private void next(HttpExchange exchange) throws IOException {
        if (initMillis < 0) {
            initMillis = (System.nanoTime() - launchedNanos) / 1e6;
            reportInit = true;
        }
        Invocation invocation;
        waitingThread = Thread.currentThread();
        waiting = true;
        listener.waiting();
        try {
            if (exited) {
                throw new InterruptedException("exited");
            }
            invocation = queue.take();
        } catch (InterruptedException e) {
            send(exchange, 500, "{\"errorMessage\":\"the environment is shutting down\"}");
            return;
        } finally {
            waiting = false;
            waitingThread = null;
        }
        if (exited) {
            queue.offerFirst(invocation);  // taken as the process died: another environment answers it
            listener.waiting();
            return;
        }
        current = invocation;
        currentStartNanos = System.nanoTime();
        long deadline = invocation.startDeadline();
        listener.took(this, invocation);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:" + region + ":000000000000:function:" + functionName);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        byte[] event = invocation.event();
        exchange.sendResponseHeaders(200, event.length == 0 ? -1 : event.length);
        exchange.getResponseBody().write(event);
    }

    private void answer(HttpExchange exchange, String requestId, InvocationResult raw) throws IOException {
        Invocation invocation = current;
        if (invocation == null || !invocation.requestId().equals(requestId)) {
            send(exchange, 400, "{\"errorMessage\":\"no invocation " + requestId + " in progress\"}");
            return;
        }
        current = null;
        double init = reportInit ? initMillis : 0;
        reportInit = false;
        InvocationResult result = new InvocationResult(raw.payload(), raw.functionError(), init,
                (System.nanoTime() - currentStartNanos) / 1e6);
        send(exchange, 202, "{\"status\":\"OK\"}");
        listener.answered(this, invocation, result);
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private void processExited() {
        exited = true;
        Thread waiter = waitingThread;
        if (waiter != null) {
            waiter.interrupt();
        }
        api.stop(0);
        Invocation lost = current;
        current = null;
        listener.exited(this, Optional.ofNullable(lost), Optional.ofNullable(initError));
    }

    // A platform thread per stream: a read from a pipe blocks in native code (see the local cloud's OutputPump).
    private void pump(InputStream from, Consumer<String> log) {
        Thread.ofPlatform().daemon().name("env " + functionName).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }
}
