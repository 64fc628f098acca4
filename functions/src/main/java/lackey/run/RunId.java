package lackey.run;

/** A run's short positive integer id, as in the seed's {@code /api/run/start/1}. */
public record RunId(long value) {

    public RunId {
        if (value < 1) {
            throw new InvalidInput("run id must be a positive integer, got " + value);
        }
    }

    /** Reads an id from a path segment; anything but a positive decimal integer is bad input. */
    public static RunId parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidInput("run id must be a positive integer, got '" + abbreviate(text) + "'");
        }
        return new RunId(Long.parseLong(text));
    }

    /** A caller's text shortened to 40 characters, for quoting it in an error message. */
    public static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
