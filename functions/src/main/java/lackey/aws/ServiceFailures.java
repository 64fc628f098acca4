package lackey.aws;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import lackey.run.Unavailable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Decides, where the adapters call AWS, which failures are passing ones: the service could not be reached or did
 * not answer in time (a refused or reset connection, an answer cut off, a timeout), it throttled the call, or it
 * failed with a 5xx. The SDK has retried those as far as {@link CallBudget} lets it; a call still failing
 * then becomes {@link Unavailable}, which the API answers with 503 and {@code Retry-After}. Every other failure
 * passes unchanged: the adapters handle the expected ones (a refused condition, a missing key), and the rest (a
 * validation error, a missing permission) is a bug or a broken deployment, a 500. (An SDK interceptor cannot do
 * this: the SDK insists that an interceptor's exception be a kind of the one it replaces.)
 */
final class ServiceFailures {

    private ServiceFailures() {
    }

    /** Makes one AWS call ({@code what}, e.g. "DynamoDB UpdateItem"); a passing failure of it becomes {@link Unavailable}. */
    static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException failure) {
            Optional<Unavailable> unavailable = unavailable(what, failure);
            if (unavailable.isEmpty()) {
                throw failure;
            }
            // The SDK's own message goes to the function's log, for whoever looks into the outage; the caller gets the short one.
            FunctionLog.warn(what + " unavailable: " + failure);
            throw unavailable.get();
        }
    }

    /** As {@link #call(String, Supplier)}, for a call whose answer is not needed. */
    static void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /** The passing failure {@code failure} is, as the caller is told of it, or empty when it is not one. */
    static Optional<Unavailable> unavailable(String call, Throwable failure) {
        if (!(failure instanceof SdkException sdk)) {
            return Optional.empty();
        }
        String attempts = sdk.numAttempts() == null ? "" : " after " + sdk.numAttempts()
                + (sdk.numAttempts() == 1 ? " attempt" : " attempts");
        if (sdk instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (code == null || code.isBlank()) {
                // an error answer cut off before its code: what the service meant, and whether it acted, is unknown
                return Optional.of(unavailable(call + " answered HTTP " + service.statusCode() + " without a readable error"
                        + attempts, Unavailable.AFTER_OUTAGE));
            }
            if (service.isThrottlingException()) {
                return Optional.of(unavailable(call + " was throttled" + attempts, Unavailable.AFTER_THROTTLING));
            }
            if (service.statusCode() >= 500) {
                return Optional.of(unavailable(call + " failed with HTTP " + service.statusCode() + attempts, Unavailable.AFTER_OUTAGE));
            }
            return Optional.empty();
        }
        if (sdk instanceof ApiCallTimeoutException || sdk instanceof ApiCallAttemptTimeoutException) {
            return Optional.of(unavailable(call + " did not answer in time" + attempts, Unavailable.AFTER_OUTAGE));
        }
        if (sdk instanceof SdkClientException) {
            String what = causedBy(sdk, ConnectException.class) ? " could not be reached" : " did not answer";
            return Optional.of(unavailable(call + what + attempts, Unavailable.AFTER_OUTAGE));
        }
        return Optional.empty();
    }

    private static Unavailable unavailable(String what, Duration retryAfter) {
        return new Unavailable(what + "; the request may be sent again in " + retryAfter.toSeconds() + " s", retryAfter);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
