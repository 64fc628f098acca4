package lackey.run;

/** The request body comes in a media type lackey does not read, or in a charset other than UTF-8. */
public final class UnsupportedBody extends RunException {
    public UnsupportedBody(String contentType) {
        super("unsupported_media_type", "cannot read a body of type '" + contentType
                + "': send application/x-www-form-urlencoded or application/json");
    }

    private UnsupportedBody(String contentType, String charset) {
        super("unsupported_media_type", "cannot read a body in the charset '" + charset + "' (" + contentType
                + "): lackey reads text as UTF-8; say charset=utf-8 or no charset");
    }

    /** A body of a type lackey reads, declared in another charset than UTF-8. */
    public static UnsupportedBody charset(String contentType, String charset) {
        return new UnsupportedBody(contentType, charset);
    }
}
