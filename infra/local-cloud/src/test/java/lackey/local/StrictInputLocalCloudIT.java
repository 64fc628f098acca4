package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import lackey.probe.GeneratedCases;
import lackey.probe.MalformedRequests;
import lackey.probe.MalformedRequests.Fixtures;
import lackey.probe.MalformedRequests.Route;
import lackey.probe.MalformedRequests.Target;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The property of the handler tests (StrictInputPropertiesIT), end to end through the local cloud's HTTP front:
 * {@value #REQUESTS} requests valid but for one part, spread over every route, sent as bytes on a socket (ids
 * percent-encoded or not, form bodies raw or percent-encoded, which the gateway base64-encodes, JSON as text,
 * bodies with a Content-Length or chunked, header names in any case). Every answer is a 4xx with a JSON error,
 * and every {@value #CHUNK} requests the runs aimed at (as the API shows them, and their files in the bucket's
 * folder) and the newest run are checked unchanged.
 */
class StrictInputLocalCloudIT {

    static final int REQUESTS = 1_001; // 77 on each of the 13 routes
    static final int CHUNK = 77;

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeneratedCases CASES = GeneratedCases.fromSystemProperty();

    private static Fixtures fixtures;
    private static String bucket;

    @BeforeAll
    static void runsToAimAt() throws Exception {
        Target scheduled = schedule("probe-scheduled");
        Target running = schedule("probe-running");
        start(running);
        Target ended = schedule("probe-ended");
        start(ended);
        var stopped = LOCAL.call("PUT", "/api/run/stop/" + ended.id(), "token=" + ended.token() + "&ts=" + now() + "&exit=0&log=probe");
        assertEquals(200, stopped.statusCode(), stopped.body());
        bucket = JSON.readTree(stopped.body()).path("log").path("location").asText().split("/")[2];
        fixtures = new Fixtures(scheduled, running, ended);
    }

    private static Target schedule(String name) throws Exception {
        JsonNode scheduled = JSON.readTree(LOCAL.call("POST", "/api/run", "name=" + name).body());
        return new Target(scheduled.path("id").asLong(), scheduled.path("token").asText());
    }

    private static void start(Target run) throws Exception {
        var started = LOCAL.call("PUT", "/api/run/start/" + run.id(), "token=" + run.token() + "&ts=" + (now() - 60));
        assertEquals(200, started.statusCode(), started.body());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** The runs as the API shows them, their files in the bucket's folder (name, size, digest), and the newest run's id. */
    private static String state() throws Exception {
        StringBuilder state = new StringBuilder();
        for (Target run : List.of(fixtures.scheduled(), fixtures.running(), fixtures.ended())) {
            state.append(LOCAL.call("GET", "/api/run/" + run.id(), null).body()).append('\n');
            for (String prefix : List.of("logs", "exchange")) {
                Path folder = LOCAL.cloud().home().resolve("s3").resolve(bucket).resolve(prefix).resolve(Long.toString(run.id()));
                if (Files.isDirectory(folder)) {
                    try (Stream<Path> files = Files.walk(folder)) {
                        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                            state.append(folder.relativize(file)).append(' ').append(Files.size(file)).append(' ')
                                    .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                                    .append('\n');
                        }
                    }
                }
            }
        }
        state.append(JSON.readTree(LOCAL.call("GET", "/api/runs?limit=1", null).body()).path("runs").path(0).path("id").asLong());
        return state.toString();
    }

    @Test
    void aRequestValidButForOnePartIsRefusedOverHttpWithAJsonErrorAndChangesNothing() throws Exception {
        String property = "malformed over HTTP";
        Map<Integer, Integer> statuses = new TreeMap<>();
        long begin = System.nanoTime();
        String before = state();
        for (int index = 0; index < REQUESTS; index++) {
            Route route = Route.values()[index % Route.values().length];
            SplittableRandom random = CASES.caseRandom(property, index);
            MalformedRequests.Request request = MalformedRequests.generate(random, route, fixtures);
            String wire = "";
            try {
                Wire sent = Wire.of(random, request, LOCAL.cloud().apiUrl());
                wire = sent.toString();
                Answer answer = sent.send();
                statuses.merge(answer.status(), 1, Integer::sum);
                assertRefused(answer, request.describe() + " as " + wire);
            } catch (AssertionError | IOException | RuntimeException failed) {
                throw CASES.failure(property, index, request.describe() + " as " + wire, failed);
            }
            if ((index + 1) % CHUNK == 0 || index == REQUESTS - 1) {
                String after = state();
                if (!after.equals(before)) {
                    throw CASES.failure(property, index, "one of the " + CHUNK + " requests up to this one changed\n" + before
                            + "\ninto\n" + after, null);
                }
            }
        }
        System.out.println("StrictInputLocalCloudIT: " + REQUESTS + " requests over HTTP, answers " + statuses + ", "
                + (System.nanoTime() - begin) / 1_000_000 + " ms, " + CASES.replay());
    }

    private static void assertRefused(Answer answer, String what) throws IOException {
        if (answer.status() < 400 || answer.status() > 499) {
            throw new AssertionError("not a 4xx: " + answer.status() + " " + answer.text());
        }
        String type = answer.headers().getOrDefault("content-type", "");
        if (!type.startsWith("application/json")) {
            throw new AssertionError("not JSON: " + type + " " + answer.text());
        }
        JsonNode body = JSON.readTree(answer.body());
        if (!body.path("error").isTextual() || !body.path("message").isTextual() || body.path("message").asText().isBlank()) {
            throw new AssertionError("not a JSON error: " + answer.text());
        }
    }

    /** An HTTP answer: status, headers (names lower-cased) and body. */
    private record Answer(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return status + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * A request as bytes on the wire, one HTTP/1.1 exchange on its own connection: the request line (the id
     * percent-encoded where it must be, and at random where it need not), headers in any case, and the body with a
     * Content-Length or chunked.
     */
    private record Wire(URI api, String method, String target, List<String> headers, byte[] body, boolean chunked) {

        static Wire of(SplittableRandom random, MalformedRequests.Request request, URI api) {
            String path = request.route().path(encodePathSegment(random, request.id()));
            String query = encodeNonAscii(request.rawQuery());
            String target = path + (query.isEmpty() ? "" : "?" + query);
            List<String> headers = new java.util.ArrayList<>();
            headers.add("Host: " + api.getAuthority());
            headers.add("User-Agent: curl/8.5.0");
            if (random.nextBoolean()) {
                headers.add("Accept: application/json");
            }
            if (request.contentType() != null) {
                String name = List.of("Content-Type", "content-type", "CONTENT-TYPE", "Content-type").get(random.nextInt(4));
                headers.add(name + ": " + request.contentType());
            }
            boolean chunked = request.body().length > 0 && random.nextInt(4) == 0;
            if (chunked) {
                headers.add("Transfer-Encoding: chunked");
            } else if (request.body().length > 0 || !request.route().method.equals("GET")) {
                headers.add("Content-Length: " + request.body().length);
            }
            headers.add("Connection: close");
            return new Wire(api, request.route().method, target, headers, request.body(), chunked);
        }

        /** The id as a path segment: bytes outside the unreserved set percent-encoded, others now and then too. */
        private static String encodePathSegment(SplittableRandom random, String id) {
            StringBuilder out = new StringBuilder();
            for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                        || c == '.' || c == '~';
                if (unreserved && random.nextInt(5) != 0) {
                    out.append((char) c);
                } else {
                    String hex = HexFormat.of().toHexDigits(b);
                    out.append('%').append(random.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex);
                }
            }
            return out.toString();
        }

        /** A query string as text on the request line: what is not ASCII goes percent-encoded, as UTF-8. */
        private static String encodeNonAscii(String query) {
            StringBuilder out = new StringBuilder();
            for (byte b : query.getBytes(StandardCharsets.UTF_8)) {
                if (b < 0 || b <= ' ' || b == 0x7F) {
                    out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
                } else {
                    out.append((char) b);
                }
            }
            return out.toString();
        }

        Answer send() throws IOException {
            try (Socket socket = new Socket(api.getHost(), api.getPort())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                var head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
                headers.forEach(header -> head.append(header).append("\r\n"));
                head.append("\r\n");
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (chunked) {
                    int at = 0;
                    while (at < body.length) {
                        int size = Math.min(body.length - at, 1 + body.length / 3);
                        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, at, size);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        at += size;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
                out.flush();
                return read(socket.getInputStream());
            }
        }

        private static Answer read(InputStream in) throws IOException {
            byte[] all = in.readAllBytes();
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                throw new IOException("no HTTP answer: " + new String(all, StandardCharsets.ISO_8859_1));
            }
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
            byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                rest = dechunk(rest);
            }
            return new Answer(status, headers, rest);
        }

        private static byte[] dechunk(byte[] chunked) {
            var out = new ByteArrayOutputStream();
            int at = 0;
            while (at < chunked.length) {
                int line = indexOf(java.util.Arrays.copyOfRange(chunked, at, chunked.length), "\r\n".getBytes(StandardCharsets.US_ASCII));
                int size = Integer.parseInt(new String(chunked, at, line, StandardCharsets.US_ASCII).split(";")[0].strip(), 16);
                if (size == 0) {
                    break;
                }
                out.write(chunked, at + line + 2, size);
                at += line + 2 + size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] bytes, byte[] wanted) {
            outer:
            for (int i = 0; i + wanted.length <= bytes.length; i++) {
                for (int k = 0; k < wanted.length; k++) {
                    if (bytes[i + k] != wanted[k]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        @Override
        public String toString() {
            return method + " " + target + " " + headers + (chunked ? " (chunked)" : "");
        }
    }
}
