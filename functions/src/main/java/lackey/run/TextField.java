package lackey.run;

/**
 * The rules every text field of a request follows, so that what is stored is what was sent and means one thing.
 * Text is Unicode, with no lone surrogate; a control character (U+0000 to U+001F, U+007F to U+009F) is never
 * part of a value, except that multi-line fields (a run's {@code command}, a heartbeat's {@code message} and the
 * string values of {@code params}) may hold tabs and line ends (tab, LF, CR). Single-line fields (names, tags,
 * reasons, task ARNs, file names, references) hold no line break of any kind (U+2028 and U+2029 included) and do
 * not start or end with whitespace: lackey never trims, it refuses, so {@code " x"} and {@code "x"} are never
 * silently the same name.
 */
public final class TextField {

    private TextField() {
    }

    /**
     * A single-line value, checked: not empty, no control characters or line breaks, no whitespace at either end,
     * valid Unicode. Returns the value unchanged.
     */
    public static String singleLine(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInput(field + " is empty");
        }
        checkCharacters(field, value, false);
        if (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            throw new InvalidInput(field + " must not start or end with whitespace: lackey keeps text as sent and does not trim it");
        }
        return value;
    }

    /**
     * The start of a single-line value, as a filter gives it: the same characters, but it may end in whitespace
     * ({@code "my "} is a prefix of {@code "my run"}).
     */
    public static String prefix(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInput(field + " is empty");
        }
        checkCharacters(field, value, false);
        if (Character.isWhitespace(value.charAt(0))) {
            throw new InvalidInput(field + " must not start with whitespace: no name does");
        }
        return value;
    }

    /**
     * A multi-line value, checked: valid Unicode, no control characters but tab, LF and CR. Whitespace is kept as
     * it is, at the ends too; empty is allowed (a param may be the empty string). Returns the value unchanged.
     */
    public static String multiLine(String field, String value) {
        checkCharacters(field, value, true);
        return value;
    }

    private static void checkCharacters(String field, String value, boolean lineEndsAllowed) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw new InvalidInput(field + " is not valid Unicode text: it has a lone surrogate at character " + (i + 1));
            }
            boolean lineEnd = c == '\t' || c == '\n' || c == '\r';
            if (lineEnd && lineEndsAllowed) {
                continue;
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new InvalidInput(field + " must not contain control characters" + (lineEndsAllowed
                        ? " (tab, LF and CR excepted)" : " or line breaks") + String.format(": U+%04X at character %d", (int) c, i + 1));
            }
        }
    }
}
