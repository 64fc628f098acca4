package lackey.run;

/** The request is malformed or breaks a rule about its values (missing field, bad timestamp, …). */
public final class InvalidInput extends RunException {
    public InvalidInput(String message) {
        super("invalid_input", message);
    }
}
