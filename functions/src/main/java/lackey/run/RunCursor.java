package lackey.run;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in the newest-first order of runs (schedule time in epoch millis, then id); a listing resumes
 * strictly below it. Callers see it only as an opaque base64url text, so its content may change.
 * Id 0 is a valid place: "everything scheduled before this millisecond".
 */
public record RunCursor(long scheduledAtMillis, long id) implements Comparable<RunCursor> {

    /** The order keys are 13-digit millis and 12-digit ids; the cursor spans the same range. */
    public static final long MAX_MILLIS = 9_999_999_999_999L;
    public static final long MAX_ID = 999_999_999_999L;

    private static final int MAX_TEXT = 64;
    private static final Pattern FORMAT = Pattern.compile("1:(\\d{1,13}):(\\d{1,12})");

    public RunCursor {
        if (scheduledAtMillis < 0 || scheduledAtMillis > MAX_MILLIS || id < 0 || id > MAX_ID) {
            throw new InvalidInput("cursor is out of range");
        }
    }

    /** The place of a run: the next page starts with the run after it. */
    public static RunCursor at(Run run) {
        return new RunCursor(run.scheduledAt().toEpochMilli(), run.id().value());
    }

    /** Reads a cursor a previous page handed out; anything else is bad input. */
    public static RunCursor parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
            throw malformed();
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        Matcher matcher = FORMAT.matcher(decoded);
        if (!matcher.matches()) {
            throw malformed();
        }
        return new RunCursor(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    /** The opaque text callers pass back as {@code cursor}: base64url, no padding, safe in a query string. */
    public String encode() {
        String plain = "1:" + scheduledAtMillis + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Newest first: a later schedule time, then a larger id, compares greater. */
    @Override
    public int compareTo(RunCursor other) {
        int byTime = Long.compare(scheduledAtMillis, other.scheduledAtMillis);
        return byTime != 0 ? byTime : Long.compare(id, other.id);
    }

    private static InvalidInput malformed() {
        return new InvalidInput("cursor is malformed: pass back the cursor of the previous page unchanged");
    }
}
