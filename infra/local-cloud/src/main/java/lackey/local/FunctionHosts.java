package lackey.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lackey.lambda.CustomRuntimeFunction;
import lackey.lambda.InvocationResult;
import lackey.lambda.LambdaPackageFiles;
import lackey.local.template.FunctionDefinition;

/**
 * The local Lambda service. A function that ships as a custom-runtime package ({@code provided.al2023}, a zip with
 * {@code bootstrap}) runs as it ships: its zip unpacked once, execution environments started from it on demand, each
 * talking to its own local Runtime API through AWS's runtime interface client ({@link CustomRuntimeFunction}).
 * A function of the managed java25 runtime runs from a class path: one {@link FunctionHost} JVM per distinct
 * environment, which creates each handler once; functions with the same environment share a JVM to save start-up
 * time, and there {@code AWS_LAMBDA_FUNCTION_NAME} lists all its functions (comma-separated).
 */
final class FunctionHosts implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Execution environments a custom-runtime function may run at once here (Lambda would start more). */
    static final int LOCAL_CONCURRENCY = 4;

    private final Map<String, Host> hostsByFunction = new LinkedHashMap<>();
    private final Map<String, CustomRuntimeFunction> packaged = new LinkedHashMap<>();
    private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
    private final List<Host> hosts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FunctionHosts() {
    }

    /**
     * Starts the hosts and returns once every one of them listens.
     *
     * @param functions   the template's functions
     * @param lambdaEnv   what Lambda itself would set (region, credentials) plus the local endpoints
     * @param classPath   the class path holding the handlers and their dependencies
     * @param home        $LACKEY_HOME, for the hosts' empty AWS config file names
     */
    static FunctionHosts start(List<FunctionDefinition> functions, Map<String, String> lambdaEnv, String classPath,
                               Path home) {
        return start(functions, lambdaEnv, classPath, home, System.out, System.err);
    }

    /**
     * Starts the hosts as above, copying what they print to {@code stdout} and {@code stderr}, each line tagged
     * with the host's functions (or {@code [functions]}): the functions' log, as CloudWatch Logs would hold it.
     */
    static FunctionHosts start(List<FunctionDefinition> functions, Map<String, String> lambdaEnv, String classPath,
                               Path home, PrintStream stdout, PrintStream stderr) {
        return start(functions, lambdaEnv, classPath, home, null, stdout, stderr);
    }

    /**
     * Starts the hosts as above; a custom-runtime function's package is found at its {@code CodeUri} under
     * {@code projectRoot}.
     */
    static FunctionHosts start(List<FunctionDefinition> functions, Map<String, String> lambdaEnv, String classPath,
                               Path home, Path projectRoot, PrintStream stdout, PrintStream stderr) {
        FunctionHosts started = new FunctionHosts();
        try {
            for (FunctionDefinition function : functions.stream().filter(FunctionDefinition::customRuntime).toList()) {
                started.packaged.put(function.functionName(), packaged(function, lambdaEnv, projectRoot, stdout));
                started.functions.put(function.functionName(), function);
            }
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        Map<Map<String, String>, List<FunctionDefinition>> groups = functions.stream()
                .filter(function -> !function.customRuntime()).collect(
                Collectors.groupingBy(f -> new TreeMap<>(f.environment()), LinkedHashMap::new, Collectors.toList()));
        try {
            List<CompletableFuture<Host>> starting = new ArrayList<>();
            for (Map.Entry<Map<String, String>, List<FunctionDefinition>> group : groups.entrySet()) {
                starting.add(CompletableFuture.supplyAsync(
                        () -> Host.launch(group.getValue(), group.getKey(), lambdaEnv, classPath, home, stdout, stderr),
                        command -> Thread.ofVirtual().start(command)));
            }
            for (CompletableFuture<Host> future : starting) {
                Host host = future.join();
                started.hosts.add(host);
                for (FunctionDefinition function : host.functions) {
                    started.hostsByFunction.put(function.functionName(), host);
                    started.functions.put(function.functionName(), function);
                }
            }
        } catch (RuntimeException e) {
            started.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return started;
    }

    // The package unpacked (once per build of its zip) and run as Lambda runs it, with Lambda's environment.
    private static CustomRuntimeFunction packaged(FunctionDefinition function, Map<String, String> lambdaEnv, Path projectRoot,
                                                  PrintStream out) {
        if (projectRoot == null) {
            throw new IllegalStateException(function.functionName() + " ships as a package; the local cloud needs the project root");
        }
        Path zip = projectRoot.resolve(function.codeUri());
        Path taskRoot = LambdaPackageFiles.unpacked(zip);
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.putAll(function.environment());
        env.putAll(lambdaEnv);
        env.putAll(LambdaPackageFiles.lambdaVariables(function.functionName(), function.handler(), taskRoot, function.memoryMb()));
        int concurrency = function.reservedConcurrency() > 0 ? Math.min(function.reservedConcurrency(), LOCAL_CONCURRENCY)
                : LOCAL_CONCURRENCY;
        String prefix = "[" + function.functionName() + "] ";
        return new CustomRuntimeFunction(function.functionName(), taskRoot, env, function.timeoutSeconds(), concurrency,
                line -> out.println(prefix + line));
    }

    /** Invokes {@code functionName} synchronously (RequestResponse) with a JSON event. */
    Invocation invoke(String functionName, byte[] event) {
        CustomRuntimeFunction function = packaged.get(functionName);
        if (function != null) {
            InvocationResult result = function.invoke(event);
            return new Invocation(200, result.payload(), result.functionError());
        }
        Host host = hostsByFunction.get(functionName);
        if (host == null) {
            throw new IllegalArgumentException("no function " + functionName + " in template.yaml");
        }
        int timeout = functions.get(functionName).timeoutSeconds();
        HttpRequest request = HttpRequest.newBuilder(host.invokeUri(functionName))
                .timeout(Duration.ofSeconds(timeout + 30L))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Invocation(response.statusCode(), response.body(),
                    response.headers().firstValue("X-Amz-Function-Error"));
        } catch (IOException e) {
            throw new UncheckedIOException("invoking " + functionName + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + functionName, e);
        }
    }

    /** Invokes {@code functionName} asynchronously (Event), as EventBridge and schedules do. */
    void invokeAsync(String functionName, byte[] event) {
        invokeAsync(functionName, event, why -> System.err.println("[lambda] async invocation of " + functionName
                + " failed: " + why));
    }

    /**
     * Invokes {@code functionName} asynchronously (Event); {@code undelivered} hears why when the event did not reach
     * the function (its host could not be reached, or the Invoke API refused it), as EventBridge would see a failed
     * delivery. A function that ran and failed is Lambda's to report, not a failed delivery: it is logged.
     */
    void invokeAsync(String functionName, byte[] event, java.util.function.Consumer<String> undelivered) {
        Thread.ofVirtual().name("event-" + functionName).start(() -> {
            try {
                Invocation result = invoke(functionName, event);
                if (result.functionError().isPresent()) {
                    System.err.println("[lambda] async invocation of " + functionName + " failed: "
                            + new String(result.payload(), StandardCharsets.UTF_8));
                } else if (result.status() != 200) {
                    undelivered.accept("the Invoke API answered " + result.status());
                }
            } catch (RuntimeException e) {
                undelivered.accept(e.getMessage());
            }
        });
    }

    /** The functions served, by name. */
    Map<String, FunctionDefinition> functions() {
        return Map.copyOf(functions);
    }

    /** The host processes, for shutdown and diagnostics. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> processes = new ArrayList<>(hosts.stream().map(h -> h.process.toHandle()).toList());
        packaged.values().forEach(function -> processes.addAll(function.processes()));
        return processes;
    }

    @Override
    public void close() {
        hosts.forEach(Host::stop);
        hosts.clear();
        packaged.values().forEach(CustomRuntimeFunction::close);
        packaged.clear();
    }

    /** What Lambda's Invoke API answered: HTTP status, payload, and {@code X-Amz-Function-Error} if the function failed. */
    record Invocation(int status, byte[] payload, Optional<String> functionError) {

        boolean failed() {
            return status != 200 || functionError.isPresent();
        }
    }

    /** One FunctionHost JVM. */
    private static final class Host {

        private final List<FunctionDefinition> functions;
        private final Process process;
        private final int port;

        private Host(List<FunctionDefinition> functions, Process process, int port) {
            this.functions = functions;
            this.process = process;
            this.port = port;
        }

        URI invokeUri(String functionName) {
            return URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/" + functionName + "/invocations");
        }

        static Host launch(List<FunctionDefinition> functions, Map<String, String> templateEnv,
                           Map<String, String> lambdaEnv, String classPath, Path home, PrintStream out, PrintStream err) {
            String names = functions.stream().map(FunctionDefinition::functionName).collect(Collectors.joining(","));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // what the Lambda Java runtime sets by default: quick start over peak throughput
                    "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-XX:-UsePerfData", "-Duser.timezone=UTC", "-Dfile.encoding=UTF-8",
                    "-cp", classPath, FunctionHost.class.getName()));
            for (FunctionDefinition function : functions) {
                command.add(function.functionName() + "|" + function.handler() + "|" + function.timeoutSeconds()
                        + "|" + function.memoryMb());
            }
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            // Only what Lambda gives a function: nothing of the developer's shell (AWS_PROFILE, proxies …) leaks in.
            String path = env.get("PATH");
            env.clear();
            if (path != null) {
                env.put("PATH", path);
            }
            env.put("LANG", "en_US.UTF-8");
            env.putAll(templateEnv);
            env.putAll(lambdaEnv);
            env.put("AWS_LAMBDA_FUNCTION_NAME", names);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                    String.valueOf(functions.stream().mapToInt(FunctionDefinition::memoryMb).max().orElse(128)));
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + names);
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
            // no shared config or credentials files: the environment alone decides, as on Lambda
            env.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-aws-credentials").toString());
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the function host for " + names + ": " + e.getMessage(), e);
            }
            String prefix = "[" + (functions.size() == 1 ? names : "functions") + "] ";
            OutputPump.forward(process.getErrorStream(), err, prefix);
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            // a platform thread, as in OutputPump: it spends its life blocked on a pipe
            Thread.ofPlatform().daemon().name("host-stdout").start(() -> {
                try {
                    String line;
                    while ((line = stdout.readLine()) != null) {
                        if (!ready.isDone() && line.startsWith(FunctionHost.READY)) {
                            ready.complete(Integer.parseInt(line.substring(FunctionHost.READY.length()).trim()));
                        } else {
                            out.println(prefix + line);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("the function host for " + names
                        + " exited before it was ready (exit code " + exitCode(process) + "); see its output above"));
            });
            try {
                return new Host(functions, process, ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException("the function host for " + names + " did not start: " + cause.getMessage(), cause);
            }
        }

        private static String exitCode(Process process) {
            try {
                return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        void stop() {
            Processes.stop(process.toHandle());
        }
    }
}
