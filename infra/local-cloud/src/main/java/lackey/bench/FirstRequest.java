package lackey.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cold Lambda container in miniature: a fresh JVM loads a handler through its no-arg constructor
 * (the function's init) and hands it one sample event as the runtime does (bytes in, bytes out), then
 * exits. Prints {@code status initMs handleMs} for {@link ColdStartBenchmark}.
 */
public final class FirstRequest {

    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    private FirstRequest() {
    }

    public static void main(String[] args) throws Exception {
        long begin = System.nanoTime();
        var handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long initialised = System.nanoTime();
        var response = new ByteArrayOutputStream();
        try (InputStream event = Files.newInputStream(Path.of(args[1]))) {
            handler.handleRequest(event, response, null);
        }
        long handled = System.nanoTime();
        Matcher status = STATUS.matcher(response.toString(StandardCharsets.UTF_8));
        System.out.println((status.find() ? status.group(1) : "none") + " " + (initialised - begin) / 1_000_000 + " "
                + (handled - initialised) / 1_000_000);
    }
}
