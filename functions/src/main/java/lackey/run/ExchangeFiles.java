package lackey.run;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Port: the files of exchange folders, moved beside the API with short-lived links rather than through it,
 * so no payload limit or function memory bounds a file. Keys come from {@link ExchangeFolder}.
 */
public interface ExchangeFiles {

    /** A stored file: its key, size in bytes and when it was last written. */
    record StoredFile(String key, long bytes, Instant lastModified) {
    }

    /** A URL that stores one file at {@code key}, sent with HTTP PUT, for {@code validFor}. */
    URI upload(String key, Duration validFor);

    /** A URL that downloads the file at {@code key}, for {@code validFor}. */
    URI download(String key, Duration validFor);

    /** Whether a file is stored at {@code key} (one HEAD request). */
    boolean exists(String key);

    /** Every file under {@code prefix}, all pages of the listing, in key order. */
    List<StoredFile> list(String prefix);
}
