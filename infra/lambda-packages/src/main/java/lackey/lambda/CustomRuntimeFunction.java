package lackey.lambda;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A function deployed as a custom runtime ({@code provided.al2023}), run as Lambda runs it: invocations wait in the
 * function's queue; execution environments (its package's {@code bootstrap}, each with its own Runtime API endpoint)
 * take them one at a time. An environment starts when an invocation finds none idle, up to a limit, and stays for the
 * next ones; an invocation past the function's timeout stops its environment, as Lambda does.
 */
public final class CustomRuntimeFunction implements AutoCloseable {

    /** Lambda's init phase may take 10 s; locally, on a busy machine, a JVM's start gets more before an invoke gives up. */
    private static final long INIT_ALLOWANCE_MILLIS = 60_000;

    private final String name;
    private final Path taskRoot;
    private final Map<String, String> environment;
    private final int timeoutSeconds;
    private final int maxEnvironments;
    private final Consumer<String> log;
    private final BlockingDeque<Invocation> queue = new LinkedBlockingDeque<>();
    private final List<ExecutionEnvironment> environments = new CopyOnWriteArrayList<>();
    private final ExecutionEnvironment.Listener listener = new Listener();
    private int starting;
    private volatile boolean closed;

    /**
     * @param name            the function's name (what its log lines and REPORT lines say)
     * @param taskRoot        the unpacked package: {@code bootstrap} at its root ({@code LAMBDA_TASK_ROOT})
     * @param environment     the whole environment Lambda gives the bootstrap, except {@code AWS_LAMBDA_RUNTIME_API}
     * @param timeoutSeconds  the function's {@code Timeout}
     * @param maxEnvironments how many environments may run at once (Lambda's concurrency, capped locally)
     * @param log             where the environments' output and the platform's REPORT lines go, line by line
     */
    public CustomRuntimeFunction(String name, Path taskRoot, Map<String, String> environment, int timeoutSeconds,
                                 int maxEnvironments, Consumer<String> log) {
        this.name = name;
        this.taskRoot = taskRoot;
        this.environment = Map.copyOf(environment);
        this.timeoutSeconds = timeoutSeconds;
        this.maxEnvironments = Math.max(1, maxEnvironments);
        this.log = log;
    }

    /** Invokes the function with a JSON event and waits for its answer (RequestResponse). */
    public InvocationResult invoke(byte[] event) {
        if (closed) {
            return InvocationResult.error("the function " + name + " is shut down", "ServiceException");
        }
        Invocation invocation = new Invocation(event, timeoutSeconds * 1000L);
        queue.add(invocation);
        scale();
        try {
            return invocation.result().get(timeoutSeconds * 1000L + INIT_ALLOWANCE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            queue.remove(invocation);
            return InvocationResult.error("the function " + name + " found no environment to run it in time", "ServiceException");
        } catch (ExecutionException e) {
            return InvocationResult.error(String.valueOf(e.getCause()), "ServiceException");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InvocationResult.error("interrupted", "ServiceException");
        }
    }

    /** The environments' processes. */
    public List<ProcessHandle> processes() {
        return environments.stream().map(ExecutionEnvironment::process).toList();
    }

    /** How many environments run now. */
    public int environmentCount() {
        return environments.size();
    }

    @Override
    public void close() {
        closed = true;
        environments.forEach(ExecutionEnvironment::stop);
        Invocation left;
        while ((left = queue.poll()) != null) {
            left.result().complete(InvocationResult.error("the function " + name + " is shut down", "ServiceException"));
        }
    }

    // Starts an environment when more invocations wait than environments are idle or starting.
    private void scale() {
        boolean launch;
        synchronized (this) {
            long idle = environments.stream().filter(ExecutionEnvironment::available).count();
            launch = !closed && queue.size() > idle + starting && environments.size() + starting < maxEnvironments;
            if (launch) {
                starting++;
            }
        }
        if (!launch) {
            return;
        }
        try {
            ExecutionEnvironment started = ExecutionEnvironment.launch(name, queue, listener, taskRoot,
                    List.of(taskRoot.resolve("bootstrap").toString()), environment, log);
            environments.add(started);
        } catch (RuntimeException e) {
            Invocation failed = queue.poll();
            if (failed != null) {
                failed.result().complete(InvocationResult.error(e.getMessage(), "Runtime.InvalidEntrypoint"));
            }
        } finally {
            synchronized (this) {
                starting--;
            }
        }
    }

    private final class Listener implements ExecutionEnvironment.Listener {

        @Override
        public void waiting() {
            // an environment is idle now: nothing to start
        }

        @Override
        public void took(ExecutionEnvironment environment, Invocation invocation) {
            watch(environment, invocation);
            if (!queue.isEmpty()) {
                Thread.ofVirtual().start(CustomRuntimeFunction.this::scale);
            }
        }

        @Override
        public void answered(ExecutionEnvironment environment, Invocation invocation, InvocationResult result) {
            log.accept(String.format(Locale.ROOT, "REPORT RequestId: %s Function: %s Duration: %.2f ms%s", invocation.requestId(),
                    name, result.durationMillis(), result.initMillis() > 0
                            ? String.format(Locale.ROOT, " Init Duration: %.2f ms", result.initMillis()) : ""));
            invocation.result().complete(result);
        }

        @Override
        public void exited(ExecutionEnvironment environment, Optional<Invocation> lost, Optional<byte[]> initError) {
            environments.remove(environment);
            lost.ifPresent(invocation -> invocation.result().complete(timedOut(invocation)
                    ? InvocationResult.error(java.time.Instant.now() + " " + invocation.requestId() + " Task timed out after "
                    + String.format(Locale.ROOT, "%.2f", (double) timeoutSeconds) + " seconds", null)
                    : InvocationResult.error("RequestId: " + invocation.requestId() + " Error: Runtime exited", "Runtime.ExitError")));
            if (initError.isPresent() && lost.isEmpty()) {
                Invocation failed = queue.poll();
                if (failed != null) {
                    failed.result().complete(new InvocationResult(initError.get(), Optional.of("Unhandled"), 0, 0));
                }
            }
            if (!closed && !queue.isEmpty()) {
                Thread.ofVirtual().start(CustomRuntimeFunction.this::scale);
            }
        }

        private boolean timedOut(Invocation invocation) {
            return invocation.deadlineMillis() > 0 && System.currentTimeMillis() >= invocation.deadlineMillis();
        }
    }

    // Past its deadline an invocation's environment is stopped: its process exits and the invocation times out.
    private void watch(ExecutionEnvironment environment, Invocation invocation) {
        Thread.ofVirtual().start(() -> {
            try {
                invocation.result().get(Math.max(1, invocation.deadlineMillis() - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                environment.stop();
            } catch (ExecutionException | InterruptedException e) {
                // answered one way or another
            }
        });
    }
}
