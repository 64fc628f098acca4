package lackey.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Copies a child process's output to the local cloud's console, each line tagged with where it came from. */
final class OutputPump {

    private OutputPump() {
    }

    /**
     * Starts a thread that forwards {@code from} line by line until it ends. A platform thread: a read from a
     * pipe blocks in native code, and a few such reads on virtual threads were seen to hold every carrier
     * thread of a 2-core machine, starving the API's virtual threads until a request timed out.
     */
    static void forward(InputStream from, PrintStream to, String prefix) {
        Thread.ofPlatform().daemon().name("pump " + prefix.trim()).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    to.println(prefix + line);
                }
            } catch (IOException e) {
                // the process ended; nothing more to copy
            }
        });
    }
}
