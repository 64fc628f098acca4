package lackey.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port the local cloud needs is taken. The message names the port, what the local cloud wanted it
 * for, which process holds it when the system can tell, and the setting that picks another one.
 */
public final class PortInUse extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Pattern SS_USER = Pattern.compile("users:\\(\\(\"([^\"]+)\",pid=(\\d+)");

    private final int port;

    PortInUse(int port, String purpose, String setting) {
        super("port " + port + " on 127.0.0.1 (" + purpose + ") is already in use" + holder(port)
                + ". Is another `./lackey local` running? Stop it, or pick another port with " + setting + "=<port>.");
        this.port = port;
    }

    /** The port that is taken. */
    public int port() {
        return port;
    }

    /** Throws when {@code port} (non-zero) cannot be bound on 127.0.0.1 right now. */
    static void requireFree(int port, String purpose, String setting) {
        if (port == 0) {
            return;
        }
        // a connection finds listeners a bind might not (a wildcard listener on BSD-style stacks)
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
            throw new PortInUse(port, purpose, setting);
        } catch (IOException e) {
            // nobody answers: now check that we may bind it
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the servers do: TIME_WAIT leftovers of a stopped run must not count as "in use"
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            throw new PortInUse(port, purpose, setting);
        }
    }

    // Best effort: `ss` (iproute2) names the listening process when it is ours to see.
    private static String holder(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
            String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ss.waitFor(2, TimeUnit.SECONDS)) {
                ss.destroyForcibly();
                return "";
            }
            Matcher matcher = SS_USER.matcher(output);
            if (matcher.find()) {
                String pid = matcher.group(2);
                String command = ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().commandLine())
                        .map(line -> line.length() > 120 ? line.substring(0, 120) + "…" : line).orElse(matcher.group(1));
                return " by process " + pid + " (" + command + ")";
            }
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }
}
