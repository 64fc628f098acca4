package lackey.lambda;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One invocation of a function on its way through the Runtime API: the event, its request id and deadline, and
 * the answer once an execution environment posts it.
 */
final class Invocation {

    private final String requestId = UUID.randomUUID().toString();
    private final byte[] event;
    private final long timeoutMillis;
    private final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    private volatile long deadlineMillis;

    Invocation(byte[] event, long timeoutMillis) {
        this.event = event;
        this.timeoutMillis = timeoutMillis;
    }

    String requestId() {
        return requestId;
    }

    byte[] event() {
        return event;
    }

    /** The deadline starts when an environment takes the invocation, as Lambda's does. */
    long startDeadline() {
        deadlineMillis = System.currentTimeMillis() + timeoutMillis;
        return deadlineMillis;
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    CompletableFuture<InvocationResult> result() {
        return result;
    }
}
