package lackey.run;

/** A run's short positive integer id, as in the seed's {@code /api/run/start/1}. */
public record RunId(long value) {

    public RunId {
        if (value < 1) {
            throw new InvalidInput("run id must be a positive integer, got " + value);
        }
    }

    /**
     * Reads an id from a path segment or a reference: a positive whole number in the one form of
     * {@link WholeNumber} (ASCII digits, no sign, no leading zero); anything else is bad input.
     */
    public static RunId parse(String text) {
        var value = WholeNumber.read(text, false, 18);
        if (value.isEmpty() || value.getAsLong() < 1) {
            throw new InvalidInput("run id must be a positive integer in ASCII digits without leading zeros, got '"
                    + abbreviate(text) + "'");
        }
        return new RunId(value.getAsLong());
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
