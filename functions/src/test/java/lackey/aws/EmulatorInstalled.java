package lackey.aws;

import lackey.emulators.MotoServer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test, saying what to install, when the tests are to run against moto and moto_server is not there:
 * dynalite and S3Proxy come with the build, moto does not. Under {@code LACKEY_REQUIRE_TOOLS=1} (.ci/run) it fails
 * instead. Registered for all tests (META-INF/services, with JUnit's extension autodetection on in failsafe's
 * configuration).
 */
public final class EmulatorInstalled implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (LocalAws.Emulator.selected() == LocalAws.Emulator.MOTO && MotoServer.command().isEmpty()) {
            if ("1".equals(System.getenv("LACKEY_REQUIRE_TOOLS"))) {
                // as .ci/run sets it: a skipped test proves nothing
                throw new IllegalStateException(MotoServer.INSTALL_HINT + " [LACKEY_REQUIRE_TOOLS=1: a missing tool fails the build]");
            }
            return ConditionEvaluationResult.disabled(MotoServer.INSTALL_HINT);
        }
        return ConditionEvaluationResult.enabled("the emulators are there");
    }
}
