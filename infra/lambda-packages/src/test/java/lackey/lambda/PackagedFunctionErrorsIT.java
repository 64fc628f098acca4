package lackey.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * A function whose handler throws, run from its package as Lambda runs it: the runtime client reports the error as
 * JSON, with its own serialisation (its shaded Gson), which the packages keep while they leave out its POJO mappers.
 */
class PackagedFunctionErrorsIT {

    @Test
    void aHandlerThatThrowsFailsItsInvocationWithTheErrorAsJson() throws Exception {
        PackagedFunction function = PackagedFunction.read(ProjectLayout.find().templateYaml()).stream()
                .filter(f -> f.logicalId().equals("StopSimulationFunction")).findFirst().orElseThrow();
        Path taskRoot = LambdaPackageFiles.unpacked(ProjectLayout.find().root().resolve(function.codeUri()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LACKEY_CLUSTER", "lackey");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "none");
        env.put("AWS_SECRET_ACCESS_KEY", "none");
        // no ECS is called: the event names no task, so the handler refuses it before any call
        env.put("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:9");
        env.putAll(LambdaPackageFiles.lambdaVariables(function.logicalId(), function.handler(), taskRoot, 1024));
        StringBuffer log = new StringBuffer();
        try (CustomRuntimeFunction packaged = new CustomRuntimeFunction(function.logicalId(), taskRoot, env, 60, 1,
                line -> log.append(line).append('\n'))) {
            InvocationResult result = packaged.invoke("{\"detail-type\":\"Run Cancelled\",\"detail\":{\"id\":1}}"
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("Unhandled"), result.functionError(), result.text() + "\n" + log);
            assertTrue(result.text().contains("\"errorType\":\"lackey.run.InvalidInput\""), result.text());
            assertTrue(result.text().contains("names no task to stop"), result.text());
            // and the environment still answers: the error did not end it
            InvocationResult again = packaged.invoke("{\"detail\":{}}".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("Unhandled"), again.functionError(), again.text() + "\n" + log);
        }
    }
}
