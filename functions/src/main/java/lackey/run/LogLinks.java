package lackey.run;

import java.net.URI;
import java.time.Duration;

/**
 * Port: short-lived links to move logs without passing them through the API, so neither the API's
 * payload limit nor a function's memory bounds a log. Whoever holds a link may use it until it expires.
 */
public interface LogLinks {

    /**
     * A URL that downloads the stored log, byte for byte, for {@code validFor}: as {@code text/plain; charset=utf-8}
     * when the log is known to be UTF-8 ({@link LogRef#utf8()}), as {@code application/octet-stream} otherwise.
     */
    URI download(LogRef log, Duration validFor);

    /** A URL that stores one file, sent with HTTP PUT, as the log of {@code upload}, for {@code validFor}. */
    URI upload(LogUpload upload, Duration validFor);
}
