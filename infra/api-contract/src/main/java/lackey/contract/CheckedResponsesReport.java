package lackey.contract;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, when a test run ends, how many responses were checked against openapi.yaml in it, so that a build
 * log shows the contract was exercised. Registered as a JUnit Platform listener by this jar's service file,
 * so every test run with the contract on its class path reports without any set-up.
 */
public final class CheckedResponsesReport implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        long checked = ApiContract.checkedResponses();
        if (checked > 0) {
            System.out.println("[api-contract] " + checked + " responses checked against " + ApiContract.FILE_NAME);
        }
    }
}
