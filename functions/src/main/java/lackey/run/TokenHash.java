package lackey.run;

/** The SHA-256 hex digest of a {@link Token}: safe to store and compare. */
public record TokenHash(String hex) {
    public TokenHash {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest");
        }
    }
}
