package lackey.run;

/** A value is larger than lackey accepts (for example a log over the inline limit). */
public final class TooLarge extends RunException {
    public TooLarge(String message) {
        super("too_large", message);
    }
}
