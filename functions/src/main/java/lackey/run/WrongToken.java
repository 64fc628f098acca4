package lackey.run;

/** The token presented does not belong to the run. Says nothing about which runs exist. */
public final class WrongToken extends RunException {
    public WrongToken(RunId id) {
        super("wrong_token", "the token does not match run " + id);
    }
}
