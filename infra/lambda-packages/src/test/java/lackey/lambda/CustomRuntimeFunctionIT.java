package lackey.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Lambda service for custom runtimes, with bootstraps written in sh and curl as the Runtime API's own
 * documentation writes them: invocations reach an environment through {@code …/invocation/next} and come back
 * through {@code …/response}; an environment serves one invocation after another; one past its timeout is stopped;
 * an init error fails the invocation that was waiting.
 */
class CustomRuntimeFunctionIT {

    private static final String LOOP = """
            #!/bin/sh
            api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
            %s
            while true; do
              headers=$(mktemp)
              event=$(curl -sS -D "$headers" "$api/invocation/next")
              id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
              %s
              curl -sS -X POST "$api/invocation/$id/response" -d "{\\"echo\\":$event,\\"pid\\":$$,\\"handler\\":\\"$_HANDLER\\"}" > /dev/null
            done
            """;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private CustomRuntimeFunction function(Path taskRoot, String init, String beforeAnswer, int timeoutSeconds) throws Exception {
        Path bootstrap = taskRoot.resolve("bootstrap");
        Files.writeString(bootstrap, LOOP.formatted(init, beforeAnswer));
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new java.util.HashMap<>(LambdaPackageFiles.lambdaVariables("Echo", "echo.handler", taskRoot, 128));
        env.put("PATH", System.getenv("PATH"));
        return new CustomRuntimeFunction("Echo", taskRoot, env, timeoutSeconds, 2, log::add);
    }

    @Test
    void anEnvironmentAnswersInvocationAfterInvocationThroughTheRuntimeApi(@TempDir Path taskRoot) throws Exception {
        try (CustomRuntimeFunction echo = function(taskRoot, "", "", 10)) {
            InvocationResult first = echo.invoke("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            InvocationResult second = echo.invoke("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.empty(), first.functionError(), first.text());
            assertTrue(first.text().startsWith("{\"echo\":{\"n\":1},"), first.text());
            assertTrue(second.text().startsWith("{\"echo\":{\"n\":2},"), second.text());
            assertTrue(first.text().endsWith("\"handler\":\"echo.handler\"}"), "the bootstrap got _HANDLER: " + first.text());
            assertEquals(first.text().replaceAll(".*\"pid\":(\\d+).*", "$1"), second.text().replaceAll(".*\"pid\":(\\d+).*", "$1"),
                    "the second invocation finds the first one's environment");
            assertTrue(first.initMillis() > 0, "the first invocation reports the init");
            assertEquals(0, second.initMillis(), "a warm one does not");
            assertEquals(1, echo.environmentCount());
            assertEquals(2, log.stream().filter(line -> line.startsWith("REPORT RequestId: ") && line.contains("Function: Echo")).count(), log::toString);
        }
    }

    @Test
    void anInvocationPastItsTimeoutStopsItsEnvironmentAndTimesOut(@TempDir Path taskRoot) throws Exception {
        try (CustomRuntimeFunction slow = function(taskRoot, "", "sleep 30", 1)) {
            long begin = System.nanoTime();
            InvocationResult result = slow.invoke("{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("Unhandled"), result.functionError());
            assertTrue(result.text().contains("Task timed out after 1.00 seconds"), result.text());
            assertTrue(System.nanoTime() - begin < 20_000_000_000L, "answered at the timeout, not after the sleep");
            for (int i = 0; i < 50 && slow.environmentCount() > 0; i++) {
                Thread.sleep(100);
            }
            assertEquals(0, slow.environmentCount(), "the environment was stopped");
        }
    }

    @Test
    void anInitErrorFailsTheWaitingInvocation(@TempDir Path taskRoot) throws Exception {
        String init = "curl -sS -X POST \"$api/init/error\" -d '{\"errorMessage\":\"no config\",\"errorType\":\"Init\"}' > /dev/null; exit 1";
        try (CustomRuntimeFunction broken = function(taskRoot, init, "", 10)) {
            InvocationResult result = broken.invoke("{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("Unhandled"), result.functionError());
            assertEquals("{\"errorMessage\":\"no config\",\"errorType\":\"Init\"}", result.text());
        }
    }
}
