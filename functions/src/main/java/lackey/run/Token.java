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

    /** The length of what {@link #generate} makes: a UUID as {@link UUID#toString()} writes it. */
    private static final int LENGTH = 36;
    private final String secret;

    private Token(String secret) {
        this.secret = secret;
    }

    /** A fresh random token. */
    public static Token generate() {
        return new Token(UUID.randomUUID().toString());
    }

    /**
     * The token a caller presented, exactly as lackey handed it out: 36 characters, lower-case hex digits and
     * dashes. Anything else (spaces or a newline around it, upper case, a {@code +}) is bad input, never repaired;
     * its match with the run's token is the store's job. The message never repeats the text.
     */
    public static Token presented(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new InvalidInput("token is required");
        }
        if (!isUuidText(secret)) {
            throw new InvalidInput("token is malformed: give it exactly as lackey handed it out, 36 characters of "
                    + "lower-case hex digits and dashes, nothing around it");
        }
        return new Token(secret);
    }

    /** Whether {@code text} is a UUID as {@link UUID#toString()} writes it: lower-case hex, dashes at 8, 13, 18, 23. */
    private static boolean isUuidText(String text) {
        if (text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
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
