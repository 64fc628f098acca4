package lackey.aws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS request made in the test JVM, by operation name. Registered as an SDK global
 * interceptor through a test resource, so production code carries no hook for it.
 */
public final class RequestCounter implements ExecutionInterceptor {

    private static final List<String> OPERATIONS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
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
