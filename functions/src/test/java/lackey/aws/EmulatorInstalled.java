package lackey.aws;

import lackey.emulators.MotoServer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test, saying what to install, when the tests are to run against moto and moto_server is not there:
 * dynalite and S3Proxy come with the build, moto does not. Registered for all tests (META-INF/services, with
 * JUnit's extension autodetection on in failsafe's configuration); .ci/run fails on skipped tests.
 */
public final class EmulatorInstalled implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (LocalAws.Emulator.selected() == LocalAws.Emulator.MOTO && MotoServer.command().isEmpty()) {
            return ConditionEvaluationResult.disabled(MotoServer.INSTALL_HINT);
        }
        return ConditionEvaluationResult.enabled("the emulators are there");
    }
}
