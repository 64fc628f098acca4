package lackey.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stand-in for Lambda's execution environment, run as its own JVM with the environment template.yaml
 * gives its functions. It serves Lambda's Invoke API on 127.0.0.1
 * ({@code POST /2015-03-31/functions/{name}/invocations}), creates each handler once through its public
 * no-arg constructor at the first invoke (Lambda's init), and turns JSON into the handler's types with
 * AWS's own {@code aws-lambda-java-serialization}, as the Java runtime does.
 *
 * <p>Arguments: one per function, {@code name|handler class::method|timeout seconds|memory MB}. Once it
 * listens it prints {@code lackey-function-host ready <port>} on standard output.
 */
public final class FunctionHost {

    static final String READY = "lackey-function-host ready ";
    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, HostedFunction> functions;

    private FunctionHost(Map<String, HostedFunction> functions) {
        this.functions = functions;
    }

    public static void main(String[] args) throws IOException {
        Map<String, HostedFunction> functions = new LinkedHashMap<>();
        for (String arg : args) {
            String[] parts = arg.split("\\|");
            if (parts.length != 4) {
                throw new IllegalArgumentException("expected name|class::method|timeout|memory, got " + arg);
            }
            String[] handler = parts[1].split("::");
            functions.put(parts[0], new HostedFunction(parts[0], handler[0], handler.length > 1 ? handler[1] : "handleRequest",
                    Integer.parseInt(parts[2]), Integer.parseInt(parts[3])));
        }
        FunctionHost host = new FunctionHost(functions);
        // Without TCP_NODELAY, Nagle's algorithm holds a response body back until the client acknowledges the
        // headers, which Linux does only after its 40 ms delayed-ACK timer: every answer of more than a few
        // KB (a page of runs) would wait for it. Read once, when the JDK's HTTP server is first used.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(INVOKE_PREFIX, host::serve);
        server.start();
        System.out.println(READY + server.getAddress().getPort());
        System.out.flush();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.substring(INVOKE_PREFIX.length());
            if (!exchange.getRequestMethod().equals("POST") || !name.endsWith("/invocations")) {
                send(exchange, 404, "ResourceNotFoundException", errorJson("Unknown operation " + path, null));
                return;
            }
            name = name.substring(0, name.length() - "/invocations".length());
            HostedFunction function = functions.get(name);
            if (function == null) {
                send(exchange, 404, "ResourceNotFoundException", errorJson("Function not found: " + name, null));
                return;
            }
            byte[] payload = exchange.getRequestBody().readAllBytes();
            boolean async = "Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
            if (async) {
                exchange.sendResponseHeaders(202, -1);
                Thread.ofVirtual().start(() -> function.invoke(payload));
                return;
            }
            Result result = function.invoke(payload);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
            if (result.functionError() != null) {
                exchange.getResponseHeaders().set("X-Amz-Function-Error", result.functionError());
            }
            exchange.sendResponseHeaders(200, result.payload().length == 0 ? -1 : result.payload().length);
            exchange.getResponseBody().write(result.payload());
        }
    }

    private static void send(HttpExchange exchange, int status, String errorType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Lambda's error shape for a Java function: errorMessage, errorType, stackTrace, cause. */
    static byte[] errorJson(Throwable error) {
        return toBytes(errorNode(error));
    }

    private static byte[] errorJson(String message, String type) {
        ObjectNode node = JSON.createObjectNode().put("errorMessage", message);
        if (type != null) {
            node.put("errorType", type);
        }
        return toBytes(node);
    }

    private static ObjectNode errorNode(Throwable error) {
        ObjectNode node = JSON.createObjectNode();
        node.put("errorMessage", error.getMessage() == null ? error.toString() : error.getMessage());
        node.put("errorType", error.getClass().getName());
        ArrayNode trace = node.putArray("stackTrace");
        Arrays.stream(error.getStackTrace()).limit(50).forEach(frame -> trace.add(frame.toString()));
        if (error.getCause() != null && error.getCause() != error) {
            node.set("cause", errorNode(error.getCause()));
        }
        return node;
    }

    private static byte[] toBytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one invocation returns: the payload and, for a failed one, Lambda's function-error kind. */
    record Result(byte[] payload, String functionError) {
    }

    /** One function of this host: its handler, created once on first use, and its serializers. */
    private static final class HostedFunction {

        private final String name;
        private final String className;
        private final String methodName;
        private final int timeoutSeconds;
        private final int memoryMb;
        private volatile Handler handler;

        HostedFunction(String name, String className, String methodName, int timeoutSeconds, int memoryMb) {
            this.name = name;
            this.className = className;
            this.methodName = methodName;
            this.timeoutSeconds = timeoutSeconds;
            this.memoryMb = memoryMb;
        }

        Result invoke(byte[] payload) {
            String requestId = UUID.randomUUID().toString();
            long start = System.nanoTime();
            long initNanos = 0;
            Handler current;
            try {
                if (handler == null) {
                    initNanos = initialise();
                }
                current = handler;
            } catch (Throwable e) {
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
                System.err.println("INIT of " + name + " failed: " + cause);
                cause.printStackTrace();
                return new Result(errorJson(cause), "Unhandled");
            }
            long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
            LocalContext context = new LocalContext(requestId, name, memoryMb, deadline);
            CompletableFuture<byte[]> call = new CompletableFuture<>();
            Thread.ofVirtual().name("invoke-" + name).start(() -> {
                try {
                    call.complete(current.call(payload, context));
                } catch (Throwable e) {
                    call.completeExceptionally(e);
                }
            });
            Result result;
            try {
                result = new Result(call.get(timeoutSeconds, TimeUnit.SECONDS), null);
            } catch (TimeoutException e) {
                result = new Result(errorJson(Instant.now() + " " + requestId + " Task timed out after "
                        + String.format(Locale.ROOT, "%.2f", (double) timeoutSeconds) + " seconds", null), "Unhandled");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof InvocationTargetException ite && ite.getCause() != null
                        ? ite.getCause() : e.getCause();
                System.err.println(requestId + " " + name + " failed:");
                cause.printStackTrace();
                result = new Result(errorJson(cause), "Unhandled");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = new Result(errorJson(e), "Unhandled");
            }
            double millis = (System.nanoTime() - start - initNanos) / 1e6;
            System.err.printf(Locale.ROOT, "REPORT RequestId: %s Function: %s Duration: %.2f ms%s%n", requestId, name,
                    millis, initNanos == 0 ? "" : String.format(Locale.ROOT, " Init Duration: %.2f ms", initNanos / 1e6));
            return result;
        }

        // Lambda's init: load the class, call its public no-arg constructor once, prepare (de)serialisation.
        private synchronized long initialise() throws Exception {
            if (handler != null) {
                return 0;
            }
            long start = System.nanoTime();
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Class<?> type = Class.forName(className, true, loader);
            Object instance = type.getConstructor().newInstance();
            handler = Handler.of(instance, methodName, loader);
            return System.nanoTime() - start;
        }
    }

    /** A handler instance and the way to call it with JSON in and JSON out. */
    private interface Handler {

        byte[] call(byte[] payload, Context context) throws Exception;

        @SuppressWarnings("unchecked")
        static Handler of(Object instance, String methodName, ClassLoader loader) {
            if (instance instanceof RequestStreamHandler stream && methodName.equals("handleRequest")) {
                return (payload, context) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    stream.handleRequest(new ByteArrayInputStream(payload), out, context);
                    return out.toByteArray();
                };
            }
            // As the Java runtime does: the public method of that name, non-bridge first, longest signature first.
            Method method = Arrays.stream(instance.getClass().getMethods())
                    .filter(m -> m.getName().equals(methodName) && m.getParameterCount() >= 1 && m.getParameterCount() <= 2)
                    .sorted(Comparator.comparing(Method::isBridge).thenComparing(m -> -m.getParameterCount()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no public method " + methodName + " on "
                            + instance.getClass().getName()));
            Type inputType = method.getGenericParameterTypes()[0];
            boolean takesContext = method.getParameterCount() == 2;
            PojoSerializer<Object> input = serializer(inputType, loader);
            boolean returnsVoid = method.getReturnType() == void.class || method.getReturnType() == Void.class;
            PojoSerializer<Object> output = returnsVoid ? null : serializer(method.getGenericReturnType(), loader);
            return (payload, context) -> {
                Object event = payload.length == 0 ? null : input.fromJson(new ByteArrayInputStream(payload));
                Object result = takesContext ? method.invoke(instance, event, context) : method.invoke(instance, event);
                if (output == null || result == null) {
                    return "null".getBytes(StandardCharsets.UTF_8);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                output.toJson(result, out);
                return out.toByteArray();
            };
        }

        // aws-lambda-java-events classes get the library's event serializers (mix-ins, date handling);
        // anything else (Map, String, a POJO) its plain Jackson factory, as the runtime does.
        @SuppressWarnings("unchecked")
        private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
            if (type instanceof Class<?> cls && cls.getName().startsWith("com.amazonaws.services.lambda.runtime.events.")) {
                return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(cls, loader);
            }
            return JacksonFactory.getInstance().getSerializer(type);
        }
    }

    /** The Context a handler gets: request id, names, remaining time and a logger writing to stderr. */
    private record LocalContext(String requestId, String functionName, int memoryMb, long deadlineMillis)
            implements Context {

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
            return "arn:aws:lambda:" + region + ":000000000000:function:" + functionName;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return memoryMb;
        }

        @Override
        public LambdaLogger getLogger() {
            return StderrLogger.INSTANCE;
        }
    }

    /** Lambda's logger writes to the function's log stream; here that is the host's stderr. */
    private enum StderrLogger implements LambdaLogger {
        INSTANCE;

        private static final PrintStream ERR = System.err;

        @Override
        public void log(String message) {
            ERR.print(message.endsWith("\n") ? message : message + "\n");
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
