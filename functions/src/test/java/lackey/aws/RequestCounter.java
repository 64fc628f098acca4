package lackey.aws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS call made in the test JVM, by operation name. Registered as an SDK global
 * interceptor through a test resource, so production code carries no hook for it. It counts calls, not
 * attempts: a transport retry the SDK makes on its own (a connection an emulator dropped on a busy machine)
 * is the same call, and counting it made the request-count tests flaky.
 */
public final class RequestCounter implements ExecutionInterceptor {

    private static final List<String> OPERATIONS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        OPERATIONS.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    public static void reset() {
        OPERATIONS.clear();
    }

    public static List<String> operations() {
        return List.copyOf(OPERATIONS);
    }
}
