package lackey.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * dynalite, the DynamoDB emulator, running as a node child process on 127.0.0.1: in memory, or
 * backed by LevelDB files in a data folder that outlive it. Tables become ACTIVE at once.
 */
public final class Dynalite implements AutoCloseable {

    /** System property naming the node binary to use; {@code node} from the PATH otherwise. */
    public static final String NODE_PROPERTY = "lackey.node";

    private final EmulatorProcess process;
    private final Path dataDir;

    private Dynalite(EmulatorProcess process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    /**
     * Starts dynalite from the project found by {@link ProjectLayout#find()}.
     *
     * @param dataDirOrNull folder for its LevelDB store (created if missing), or null to keep data in memory
     * @param port the port on 127.0.0.1, or 0 to pick a free one
     * @throws PortInUseException when the port is taken
     * @throws IllegalStateException when dynalite is not installed or does not start; the message holds its output
     */
    public static Dynalite start(Path dataDirOrNull, int port) {
        return start(ProjectLayout.find(), dataDirOrNull, port);
    }

    /** As {@link #start(Path, int)}, with dynalite taken from the given project. */
    public static Dynalite start(ProjectLayout layout, Path dataDirOrNull, int port) {
        Path cli = layout.dynaliteCli();
        Path dataDir = dataDirOrNull == null ? null : dataDirOrNull.toAbsolutePath().normalize();
        if (dataDir != null) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create dynalite's data folder " + dataDir + ": " + e, e);
            }
        }
        String node = System.getProperty(NODE_PROPERTY, "node");
        EmulatorProcess process = EmulatorProcess.start("dynalite", port, (chosenPort, scratchDir) -> {
            List<String> command = new ArrayList<>(List.of(node, cli.toString(),
                    "--port", Integer.toString(chosenPort),
                    "--host", "127.0.0.1",
                    // tables and indexes are usable at once, as tests and the local cloud expect
                    "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
            if (dataDir != null) {
                command.add("--path");
                command.add(dataDir.toString());
            }
            return command;
        }, "dynalite needs Node.js 20 or later: put `node` on the PATH or set -D" + NODE_PROPERTY + "=<path to node>.");
        return new Dynalite(process, dataDir);
    }

    /** Where DynamoDB clients send requests, e.g. {@code http://127.0.0.1:4567}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + process.port());
    }

    public int port() {
        return process.port();
    }

    /** The LevelDB folder, or empty when the data lives in memory only. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /** dynalite's own output (deleted by a clean {@link #close()}). */
    public Path logFile() {
        return process.logFile();
    }

    /**
     * Kills the process at once (SIGKILL), as a crash would; its data folder stays, and a new one started on
     * the same folder and port takes over where it left off.
     */
    public void kill() {
        process.kill();
    }

    /** The emulator's process. */
    public ProcessHandle processHandle() {
        return process.handle();
    }

    /** Stops dynalite and waits for it to exit; its data folder, if any, stays. */
    @Override
    public void close() {
        process.close();
    }
}
