package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalObjectEventsTest {

    private static final Path BUCKET = Path.of("/data/s3/lackey-runs");

    @Test
    void aFileInTheBucketFolderIsTheObjectOfItsRelativePath() {
        assertEquals("exchange/7/out/result.csv", LocalObjectEvents.key(BUCKET, BUCKET.resolve("exchange/7/out/result.csv")));
    }

    @Test
    void s3proxysOwnDotFilesAreNoObjects() {
        assertNull(LocalObjectEvents.key(BUCKET, BUCKET.resolve(".s3proxy-versions/x")));
        assertNull(LocalObjectEvents.key(BUCKET, BUCKET.resolve("exchange/7/out/.mpus-abc-1")));
        assertNull(LocalObjectEvents.key(BUCKET, BUCKET));
    }

    @Test
    void keysAreUrlEncodedAsS3SendsThemWithSlashesKept() {
        assertEquals("exchange/7/out/plot+1%2B2.png", LocalObjectEvents.encodedKey("exchange/7/out/plot 1+2.png"));
    }
}
