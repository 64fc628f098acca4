package lackey.run;

import java.time.Instant;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log the simulation uploads itself, for logs too large for the stop call: one fresh key per upload
 * attempt, {@code logs/{id}/{attempt}.log}, beside the inline logs. Its {@link #reference()} is that key;
 * the simulation gets it with the upload URL and hands it back with its stop as {@code logUpload}.
 */
public record LogUpload(RunId run, String attempt) {

    private static final Pattern ATTEMPT = Pattern.compile("\\d{1,19}-[0-9a-f]{8}");
    private static final Pattern REFERENCE = Pattern.compile("logs/(\\d{1,18})/(\\d{1,19}-[0-9a-f]{8})\\.log");

    public LogUpload {
        if (run == null || attempt == null || !ATTEMPT.matcher(attempt).matches()) {
            throw new IllegalArgumentException("an upload attempt is <epoch millis>-<8 hex digits>, got " + attempt);
        }
    }

    /** A fresh upload attempt: ordered by time, and kept apart from concurrent ones by a random nonce. */
    public static LogUpload next(RunId run, Instant now, RandomGenerator random) {
        byte[] nonce = new byte[4];
        random.nextBytes(nonce);
        return new LogUpload(run, now.toEpochMilli() + "-" + HexFormat.of().formatHex(nonce));
    }

    /**
     * Reads the {@code logUpload} a stop call of run {@code run} sent. The key names its run, so a reference
     * issued for another run is refused: a token proves one run only.
     */
    public static LogUpload of(RunId run, String reference) {
        Matcher matcher = REFERENCE.matcher(reference == null ? "" : reference);
        if (!matcher.matches()) {
            throw new InvalidInput("logUpload must be the reference POST /api/run/log-upload/" + run
                    + " returned (logs/" + run + "/<attempt>.log), got '" + RunId.abbreviate(reference) + "'");
        }
        RunId named = RunId.parse(matcher.group(1));
        if (!named.equals(run)) {
            throw new InvalidInput("logUpload " + matcher.group() + " is an upload of run " + named + ", not of run " + run);
        }
        return new LogUpload(run, matcher.group(2));
    }

    /** What the simulation hands back with its stop; also the object's key. */
    public String reference() {
        return "logs/" + run + "/" + attempt + ".log";
    }
}
