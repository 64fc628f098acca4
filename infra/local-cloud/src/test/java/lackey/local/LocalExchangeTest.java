package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the local cloud tells a simulation its exchange folder is on disk. */
class LocalExchangeTest {

    private final Path root = Path.of("/data/s3");

    @Test
    void theFolderIsTheBucketsKeyUnderTheS3Root() {
        assertEquals(Optional.of(Path.of("/data/s3/lackey-runs/exchange/7")),
                LocalExchange.folder(root, "s3://lackey-runs/exchange/7/"));
    }

    @Test
    void anythingElseGetsNoFolder() {
        assertEquals(Optional.empty(), LocalExchange.folder(root, null));
        assertEquals(Optional.empty(), LocalExchange.folder(root, "https://lackey-runs/exchange/7/"));
        assertEquals(Optional.empty(), LocalExchange.folder(root, "s3://lackey-runs"));
        assertEquals(Optional.empty(), LocalExchange.folder(root, "s3://lackey-runs/exchange/../../etc/"));
        assertEquals(Optional.empty(), LocalExchange.folder(root, "s3://../exchange/7/"));
    }
}
