package lackey.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The log of a wrapped command: its standard output and standard error, each copied to the terminal as it comes
 * and, in the order the chunks arrive, to one file, byte for byte. The file may grow past any inline limit.
 */
final class CommandLog implements AutoCloseable {

    private final Path file;
    private final OutputStream log;

    CommandLog() {
        try {
            file = Files.createTempFile("lackey-wrap-", ".log");
            log = Files.newOutputStream(file);
        } catch (IOException e) {
            throw CliFailure.file("cannot create the log file in " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage());
        }
    }

    Path file() {
        return file;
    }

    /** A thread that copies {@code from} to {@code terminal} and to the log until it ends. */
    Thread pump(String name, InputStream from, OutputStream terminal) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    synchronized (this) {
                        log.write(buffer, 0, n);
                    }
                    try {
                        terminal.write(buffer, 0, n);
                        terminal.flush();
                    } catch (IOException closedTerminal) {
                        // the terminal went away: the log still gets everything
                    }
                }
            } catch (IOException e) {
                note("lackey wrap: reading the command's " + name + " failed: " + e.getMessage());
            }
        }, "lackey-wrap-" + name);
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** A line of wrap's own, in the log (the terminal gets it from the caller). */
    synchronized void note(String line) {
        try {
            log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void flush() {
        try {
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        try {
            flush();
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            log.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind is no reason to fail
        }
    }
}
