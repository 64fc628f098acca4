package lackey.emulators;

/**
 * An emulator could not listen on the port it was given because something else already does:
 * usually an emulator left over from an earlier run, or a second local cloud.
 */
public final class PortInUseException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int port;

    public PortInUseException(int port) {
        this(port, null);
    }

    PortInUseException(int port, String detail) {
        super("port " + port + " on 127.0.0.1 is already in use" + (detail == null ? "" : ": " + detail));
        this.port = port;
    }

    /** The port that was taken. */
    public int port() {
        return port;
    }
}
