package lackey.aws;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Lambda Context whose logger keeps what it is given, as the runtime's would pass it on: bytes and their level. */
public final class RecordingContext implements Context, LambdaLogger {

    /** One call of the logger. */
    public record Logged(String text, LogLevel level, boolean asBytes) {
    }

    private final String requestId;
    private final List<Logged> logged = new CopyOnWriteArrayList<>();

    public RecordingContext(String requestId) {
        this.requestId = requestId;
    }

    public List<Logged> logged() {
        return List.copyOf(logged);
    }

    @Override
    public void log(String message) {
        logged.add(new Logged(message, LogLevel.UNDEFINED, false));
    }

    @Override
    public void log(byte[] message) {
        log(message, LogLevel.UNDEFINED);
    }

    @Override
    public void log(String message, LogLevel level) {
        logged.add(new Logged(message, level, false));
    }

    @Override
    public void log(byte[] message, LogLevel level) {
        logged.add(new Logged(new String(message, StandardCharsets.UTF_8), level, true));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:test";
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
        return 10_000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return this;
    }
}
