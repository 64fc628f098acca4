package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 as bytes on a plain socket, for probing the HTTP front with requests no HTTP client would send:
 * it writes exactly what a test gives and reads back one response (after any 100 Continue).
 */
final class RawHttp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a test waits for an answer before it fails instead of hanging. */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A response as it arrived. */
    record Answer(int status, Map<String, String> headers, String body, String raw, Duration took) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + raw, e);
            }
        }

        /** A JSON error in lackey's shape with {@code status}, with nothing of Jetty's or Java's in it. */
        Answer assertJsonError(int expectedStatus) {
            assertEquals(expectedStatus, status, raw);
            assertTrue(header("content-type") != null && header("content-type").startsWith("application/json"), raw);
            JsonNode error = json();
            assertTrue(error.path("error").isTextual() && !error.path("error").asText().isBlank(), raw);
            assertTrue(error.path("message").isTextual() && !error.path("message").asText().isBlank(), raw);
            assertEquals(2, error.size(), "only error and message: " + raw);
            for (String leak : new String[] {"java.", "Exception", "jetty", "<html", "<HTML"}) {
                assertFalse(raw.contains(leak), "answer names '" + leak + "': " + raw);
            }
            return this;
        }
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to {@code api}'s host and port; reads give up after {@link #PATIENCE}. */
    static RawHttp connect(URI api) throws IOException {
        Socket socket = new Socket(api.getHost(), api.getPort());
        socket.setSoTimeout((int) PATIENCE.toMillis());
        socket.setTcpNoDelay(true);
        return new RawHttp(socket);
    }

    /** Sends {@code request} on a new connection and reads the answer. */
    static Answer exchange(URI api, String request) throws IOException {
        try (RawHttp http = connect(api)) {
            return http.send(request).read(false);
        }
    }

    /** Writes {@code bytes} (ISO-8859-1, so every char is one byte) as they are. */
    RawHttp send(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads the status line and headers of one response, skipping any 100 Continue, then its body. */
    Answer read(boolean head) throws IOException {
        long begin = System.nanoTime();
        while (true) {
            String top = readHead();
            String[] lines = top.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            int status = Integer.parseInt(statusLine[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            if (status == 100) {
                continue;
            }
            String length = headers.get("content-length");
            byte[] body = head || length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            String text = new String(body, StandardCharsets.UTF_8);
            return new Answer(status, headers, text, top + "\r\n\r\n" + text, Duration.ofNanos(System.nanoTime() - begin));
        }
    }

    /** Reads the interim or final status line and headers, up to the empty line. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return new String(bytes, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** True when the server closed the connection without sending anything more, within {@link #PATIENCE}. */
    boolean closedSilently() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // a reset is a close too
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
