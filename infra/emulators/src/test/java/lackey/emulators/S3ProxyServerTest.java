package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3ProxyServerTest {

    @Test
    void translatesS3CorsRulesIntoItsOwnSettings() {
        var properties = S3ProxyServer.configuration(9000, Path.of("/tmp/b"), "k", "s", List.of(
                new S3ProxyServer.CorsRule(List.of("http://127.0.0.1:*", "https://a.example"), List.of("GET"), List.of()),
                new S3ProxyServer.CorsRule(List.of("http://localhost:*"), List.of("GET", "HEAD"), List.of("range"))));
        // S3Proxy has one policy for all buckets, written with regular expressions: S3's "*" is any text
        assertEquals("\\Qhttp://127.0.0.1:\\E.* \\Qhttps://a.example\\E \\Qhttp://localhost:\\E.*",
                properties.getProperty("s3proxy.cors-allow-origins"));
        assertEquals("GET HEAD", properties.getProperty("s3proxy.cors-allow-methods"));
        assertEquals("range", properties.getProperty("s3proxy.cors-allow-headers"));
        assertEquals("*", S3ProxyServer.configuration(9000, Path.of("/tmp/b"), "k", "s",
                List.of(new S3ProxyServer.CorsRule(List.of("*"), List.of("GET"), List.of()))).getProperty("s3proxy.cors-allow-origins"));
        assertFalse(S3ProxyServer.configuration(9000, Path.of("/tmp/b"), "k", "s", List.of()).containsKey("s3proxy.cors-allow-origins"),
                "no rules, no cross-origin access");
    }
}
