package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A run's secret. Generated once at scheduling (a UUID v4: 122 random bits from SecureRandom), handed
 * to the caller once, and stored only as its SHA-256 hash. {@link #toString()} never shows it.
 */
public final class Token {

    private static final int MAX_LENGTH = 256;
    private final String secret;

    private Token(String secret) {
        this.secret = secret;
    }

    /** A fresh random token. */
    public static Token generate() {
        return new Token(UUID.randomUUID().toString());
    }

    /** The token a caller presented; only its presence and size are checked, its match is the store's job. */
    public static Token presented(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new InvalidInput("token is required");
        }
        if (secret.length() > MAX_LENGTH) {
            throw new InvalidInput("token is too long");
        }
        return new Token(secret.strip());
    }

    /** The secret itself, for the one response and the one event that must carry it. */
    public String reveal() {
        return secret;
    }

    /** SHA-256 of the secret, lower-case hex: what is kept at rest and compared in conditions. */
    public TokenHash hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return new TokenHash(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Token[redacted]";
    }
}
