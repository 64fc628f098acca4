package lackey.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Consumer;
import lackey.run.RunId;

/**
 * The functions' log: one JSON object per line, with the fields Lambda's own JSON log lines have
 * ({@code timestamp}, {@code level}, {@code message}, {@code AWSRequestId}) plus {@code runId} when a run is
 * involved, so that CloudWatch Logs Insights can find every line about a run or a request. Lines are written
 * through the invocation's {@link LambdaLogger} as bytes, which the Java runtime passes on unchanged whatever
 * the function's log format (it would wrap a String message into a JSON object of its own). A line never
 * carries a token: callers log ids, counts and outcomes, never a request body or an event's detail.
 */
public final class FunctionLog {

    /** What the log knows of the invocation in progress: where lines go, its request id, and its run once known. */
    private static final class Invocation {

        private final LambdaLogger logger;
        private final String requestId;
        private volatile RunId run;

        Invocation(LambdaLogger logger, String requestId) {
            this.logger = logger;
            this.requestId = requestId;
        }
    }

    private static final ScopedValue<Invocation> CURRENT = ScopedValue.newInstance();
    // The format of the timestamps of Lambda's own JSON log lines.
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private FunctionLog() {
    }

    /**
     * Runs one invocation's work with its request id on every line logged on this thread meanwhile. Without a
     * Context (a handler called directly, as the handler tests do) there is no log stream: warnings and errors go
     * to standard error without a request id, and the per-request INFO lines are left out.
     */
    public static <T, X extends Throwable> T during(Context context, ScopedValue.CallableOp<T, X> work) throws X {
        LambdaLogger logger = context == null ? null : context.getLogger();
        String requestId = context == null ? null : context.getAwsRequestId();
        return ScopedValue.where(CURRENT, new Invocation(logger, requestId)).call(work);
    }

    /** Says which run the invocation in progress is about: every line from now on names it. */
    public static void aboutRun(RunId run) {
        if (CURRENT.isBound()) {
            CURRENT.get().run = run;
        }
    }

    /** The request id of the invocation in progress, if any. */
    public static Optional<String> requestId() {
        return CURRENT.isBound() ? Optional.ofNullable(CURRENT.get().requestId) : Optional.empty();
    }

    public static void info(String message) {
        log(LogLevel.INFO, null, message, fields -> {
        });
    }

    public static void info(RunId run, String message) {
        log(LogLevel.INFO, run, message, fields -> {
        });
    }

    public static void info(RunId run, String message, Consumer<ObjectNode> fields) {
        log(LogLevel.INFO, run, message, fields);
    }

    public static void warn(String message) {
        log(LogLevel.WARN, null, message, fields -> {
        });
    }

    public static void warn(RunId run, String message) {
        log(LogLevel.WARN, run, message, fields -> {
        });
    }

    /** An unexpected failure, with its stack trace in {@code stackTrace}. */
    public static void error(String message, Throwable failure, Consumer<ObjectNode> fields) {
        log(LogLevel.ERROR, null, message, line -> {
            fields.accept(line);
            StringWriter stack = new StringWriter();
            failure.printStackTrace(new PrintWriter(stack));
            line.put("stackTrace", stack.toString());
        });
    }

    /**
     * Writes one line. {@code run}, if given, names the run the line is about; otherwise the invocation's run, if
     * known. {@code fields} adds fields of the line's own (never a token).
     */
    public static void log(LogLevel level, RunId run, String message, Consumer<ObjectNode> fields) {
        Invocation invocation = CURRENT.isBound() ? CURRENT.get() : null;
        ObjectNode line = RunJson.MAPPER.createObjectNode();
        line.put("timestamp", TIMESTAMP.format(Instant.now()));
        line.put("level", level.name());
        if (invocation != null && invocation.requestId != null) {
            line.put("AWSRequestId", invocation.requestId);
        }
        RunId about = run != null ? run : invocation == null ? null : invocation.run;
        if (about != null) {
            line.put("runId", about.value());
        }
        line.put("message", message);
        fields.accept(line);
        byte[] bytes;
        try {
            bytes = (RunJson.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log line could not be written as JSON", e);
        }
        if (invocation != null && invocation.logger != null) {
            invocation.logger.log(bytes, level);
        } else if (level == LogLevel.WARN || level == LogLevel.ERROR || level == LogLevel.FATAL) {
            System.err.print(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
