package lackey.emulators;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * moto's server mode ({@code moto_server}), a second, independent emulator of DynamoDB, S3, EventBridge and SQS,
 * all on one port of 127.0.0.1, in memory. The adapter and handler tests run against it as well as against
 * dynalite, S3Proxy and the local bus, so that a test passing only because of one emulator's quirks shows.
 */
public final class MotoServer implements AutoCloseable {

    /** System property naming the moto_server program; {@code moto_server} from the PATH otherwise. */
    public static final String COMMAND_PROPERTY = "lackey.moto";
    /** What to do when moto is missing. */
    public static final String INSTALL_HINT = "moto_server is not installed: pip install \"moto[server]\" (moto 5.2),"
            + " or point -D" + COMMAND_PROPERTY + "=<path to moto_server> at it.";

    private final EmulatorProcess process;

    private MotoServer(EmulatorProcess process) {
        this.process = process;
    }

    /** The moto_server program, if it can be found: {@code -Dlackey.moto}, or {@code moto_server} on the PATH. */
    public static Optional<Path> command() {
        String configured = System.getProperty(COMMAND_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "moto_server");
            if (!dir.isBlank() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts moto_server on 127.0.0.1.
     *
     * @param port the port, or 0 to pick a free one
     * @throws IllegalStateException with {@link #INSTALL_HINT} when moto_server cannot be found or does not start
     */
    public static MotoServer start(int port) {
        Path moto = command().orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
        EmulatorProcess process = EmulatorProcess.start("moto", port, (chosenPort, scratchDir) -> List.of(
                // unbuffered, so the line saying where it listens reaches the log at once
                "env", "PYTHONUNBUFFERED=1", moto.toString(), "-H", "127.0.0.1", "-p", Integer.toString(chosenPort)),
                INSTALL_HINT);
        return new MotoServer(process);
    }

    /** Where every service's clients send requests, e.g. {@code http://127.0.0.1:5000}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + process.port());
    }

    public int port() {
        return process.port();
    }

    /** Stops moto_server; its data, all in memory, goes with it. */
    @Override
    public void close() {
        process.close();
    }
}
