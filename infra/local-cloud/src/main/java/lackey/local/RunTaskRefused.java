package lackey.local;

/**
 * ECS refused a RunTask: the error ECS answers ({@code type}, e.g. {@code InvalidParameterException}, and its
 * message). EventBridge, which calls RunTask for a rule's ECS target, then retries or dead-letters the event.
 */
final class RunTaskRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String type;

    RunTaskRefused(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    /** ECS's error type, as its {@code __type} names it. */
    String type() {
        return type;
    }

    /** Whether trying again may work: ECS's throttling and server errors; a request ECS finds wrong fails again. */
    boolean retryable() {
        return type.equals("ThrottlingException") || type.equals("ServerException");
    }
}
