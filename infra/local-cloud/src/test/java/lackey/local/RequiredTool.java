package lackey.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a test needs that a developer's machine may lack: the test says what to install and is skipped there,
 * but fails under CI ({@code CI=true}, as .ci/run runs), so a CI run never passes by skipping it.
 */
final class RequiredTool {

    private RequiredTool() {
    }

    static void require(String tool, String install) {
        if (onPath(tool)) {
            return;
        }
        String message = "this test needs " + tool + " on PATH: " + install;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI must not skip it)");
        }
        Assumptions.abort(message);
    }

    static boolean onPath(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
