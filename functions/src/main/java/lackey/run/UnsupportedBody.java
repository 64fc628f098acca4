package lackey.run;

/** The request body comes in a media type lackey does not read. */
public final class UnsupportedBody extends RunException {
    public UnsupportedBody(String contentType) {
        super("unsupported_media_type", "cannot read a body of type '" + contentType
                + "': send application/x-www-form-urlencoded or application/json");
    }
}
