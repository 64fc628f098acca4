package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An emulator started by a JVM that exits without closing it must not outlive that JVM. */
class JvmExitIT {

    @Test
    void dynaliteStopsWhenTheJvmThatStartedItExitsWithoutClosingIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process jvm = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                StartDynaliteAndExit.class.getName()))
                .redirectErrorStream(true)
                .start();
        String report;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            report = out.lines().filter(line -> line.startsWith("started ")).findFirst().orElse(null);
        }
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the child JVM exits");
        assertEquals(0, jvm.exitValue());
        assertNotNull(report, "the child JVM reports the dynalite it started");

        String[] parts = report.split(" ");
        int port = Integer.parseInt(parts[1]);
        Path logFile = Path.of(parts[2]);
        assertFalse(EmulatorProcess.answers(port), "dynalite must not outlive the JVM that started it (port " + port + ")");
        assertFalse(Files.exists(logFile), "its scratch folder goes with it");
    }

    /** Run in a separate JVM by the test above: starts dynalite, says where, and exits without close(). */
    public static final class StartDynaliteAndExit {
        public static void main(String[] args) {
            Dynalite dynalite = Dynalite.start(null, 0);
            System.out.println("started " + dynalite.port() + " " + dynalite.logFile());
            System.out.flush();
            System.exit(0);
        }
    }
}
