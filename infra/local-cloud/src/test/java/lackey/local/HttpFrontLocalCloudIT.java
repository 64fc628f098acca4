package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local cloud's HTTP front under requests no HTTP client would send, written byte for byte on a plain socket:
 * each malformed, oversized or stalled request gets a JSON error with the right status, and a request that aims at a
 * real route with a valid token in its body changes nothing. Requests that are merely unusual (LF line ends, a
 * chunked body, Expect: 100-continue) are served.
 */
class HttpFrontLocalCloudIT {

    /** Short, so the stalled requests are answered quickly. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud(options -> options.withApiReadTimeout(READ_TIMEOUT));

    private static long runId;
    private static String token;

    @BeforeAll
    static void scheduleTheRunTheProbesAimAt() throws IOException {
        JsonNode run = RawHttp.exchange(api(), form("POST", "/api/run", "name=probed")).json();
        runId = run.path("id").asLong();
        token = run.path("token").asText();
        assertTrue(runId > 0 && !token.isBlank(), run.toString());
    }

    // ---- malformed requests ----

    @Test
    void malformedPercentEscapeInTheQueryIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + "?%zz HTTP/1.1\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
        probe(400, "PUT /api/run/start/" + runId + "?a=%4 HTTP/1.1\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void malformedPercentEscapeInThePathIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + "%zz HTTP/1.1\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: ten", "Content-Length: -1", "Content-Length: ", "Content-Length: 1e2",
            "Content-Length: {n}, {n+1}", "Content-Length: {n}\r\nContent-Length: {n+1}",
            "Content-Length: {n}\r\nTransfer-Encoding: chunked"})
    void malformedContentLengthIsA400AndChangesNothing(String lengthHeaders) throws IOException {
        int n = startBody().length();
        String headers = lengthHeaders.replace("{n+1}", Integer.toString(n + 1)).replace("{n}", Integer.toString(n));
        probe(400, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host()
                + "Content-Type: application/x-www-form-urlencoded\r\n" + headers + "\r\n\r\n" + startBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT /api/run/start/{id} HTTP/1.1 extra", "/api/run/start/{id} HTTP/1.1",
            "PUT\t/api/run/start/{id} HTTP/1.1", "PUT /api/run/start/\u0001{id} HTTP/1.1", "PUT"})
    void malformedRequestLineIsA400AndChangesNothing(String line) throws IOException {
        probe(400, line.replace("{id}", Long.toString(runId)) + "\r\n" + host() + formHeaders(startBody()) + "\r\n"
                + startBody());
    }

    @Test
    void unknownMethodIsA501AndChangesNothing() throws IOException {
        probe(501, "BREW /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void unknownHttpVersionIsA505() throws IOException {
        probe(505, "PUT /api/run/start/" + runId + " HTTP/1.7\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
        probe(505, "PUT /api/run/start/" + runId + " HTTP/x.y\r\n" + host() + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void http09RequestIsA505() throws IOException {
        probe(505, "GET /api/run/" + runId + "\r\n");
    }

    @Test
    void http2PrefaceIsA426() throws IOException {
        probe(426, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    }

    @Test
    void headerWithoutColonIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "X-Broken header\r\n" + formHeaders(startBody())
                + "\r\n" + startBody());
    }

    @Test
    void foldedHeaderIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "X-Folded: a\r\n b\r\n" + formHeaders(startBody())
                + "\r\n" + startBody());
    }

    @Test
    void missingHostIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void malformedChunkIsA400AndChangesNothing() throws IOException {
        probe(400, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + startBody() + "\r\n0\r\n\r\n");
    }

    @Test
    void unknownExpectationIsA417AndChangesNothing() throws IOException {
        probe(417, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "Expect: something-else\r\n"
                + formHeaders(startBody()) + "\r\n" + startBody());
    }

    // ---- limits ----

    @Test
    void headerLineOverHttpApisQuotaIsA431AndChangesNothing() throws IOException {
        // 12 KB: over HTTP API's 10,240 bytes of request line and header values, under what Jetty buffers
        probe(431, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "X-Large: " + "a".repeat(12 * 1024) + "\r\n"
                + formHeaders(startBody()) + "\r\n" + startBody());
        // 40 KB: over what Jetty reads of a request head at all
        probe(431, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "X-Huge: " + "a".repeat(40 * 1024) + "\r\n"
                + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void headerValuesTogetherOverHttpApisQuotaAreA431() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            headers.append("X-Part-").append(i).append(": ").append("b".repeat(1000)).append("\r\n");
        }
        probe(431, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + headers + formHeaders(startBody()) + "\r\n"
                + startBody());
    }

    @Test
    void headerValuesWithinHttpApisQuotaAreServed() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(api(), "GET /api/run/" + runId + " HTTP/1.1\r\n" + host()
                + "X-Large: " + "a".repeat(9 * 1024) + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer.raw());
        assertEquals(runId, answer.json().path("id").asLong());
    }

    @Test
    void tooManyHeadersAreA431AndChangeNothing() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < HttpFront.MAX_HEADER_FIELDS + 1; i++) {
            headers.append("X-").append(i).append(": 1\r\n");
        }
        probe(431, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + headers + formHeaders(startBody()) + "\r\n"
                + startBody());
    }

    @Test
    void requestLineOverHttpApisQuotaIsA414() throws IOException {
        probe(414, "PUT /api/run/start/" + runId + "?pad=" + "p".repeat(11 * 1024) + " HTTP/1.1\r\n" + host()
                + formHeaders(startBody()) + "\r\n" + startBody());
    }

    @Test
    void bodyOverTheQuotaAnnouncedWithExpectContinueIsA413BeforeItIsSent() throws IOException {
        try (RawHttp http = RawHttp.connect(api())) {
            http.send("POST /api/run HTTP/1.1\r\n" + host() + "Content-Type: text/plain\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + (HttpApiEvents.MAX_BODY_BYTES + 1) + "\r\n\r\n");
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 413 "), "a 413 instead of 100 Continue: " + head);
        }
    }

    // ---- stalled requests ----

    @Test
    void bodyThatStopsShortOfItsContentLengthIsA408AfterTheReadTimeout() throws IOException {
        // the whole start call but the last bytes its Content-Length promises
        RawHttp.Answer answer = probe(408, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host()
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + (startBody().length() + 5)
                + "\r\n\r\n" + startBody());
        assertTimedOut(answer);
    }

    @Test
    void chunkedBodyThatStopsIsA408AfterTheReadTimeout() throws IOException {
        String body = startBody();
        RawHttp.Answer answer = probe(408, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host()
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n");
        assertTimedOut(answer);
    }

    @Test
    void headersThatNeverEndAreA408AfterTheReadTimeout() throws IOException {
        assertTimedOut(probe(408, "PUT /api/run/start/" + runId + " HTTP/1.1\r\n" + host() + "X-Unfinished: yes\r\n"));
        assertTimedOut(probe(408, "PUT /api/run/sta"));
    }

    @Test
    void idleConnectionBetweenRequestsIsClosedWithoutAnAnswer() throws IOException {
        try (RawHttp http = RawHttp.connect(api())) {
            RawHttp.Answer first = http.send("GET /api/run/" + runId + " HTTP/1.1\r\n" + host() + "\r\n").read(false);
            assertEquals(200, first.status(), first.raw());
            long idleFrom = System.nanoTime();
            assertTrue(http.closedSilently(), "no 408 for a connection that sent no part of a request");
            Duration idle = Duration.ofNanos(System.nanoTime() - idleFrom);
            assertTrue(idle.compareTo(READ_TIMEOUT.minusMillis(100)) >= 0, "kept for the read timeout: " + idle);
        }
    }

    // ---- unusual but well-formed requests ----

    @Test
    void requestWithBareLfLineEndsIsServed() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(api(), "GET /api/run/" + runId + " HTTP/1.1\n" + host().replace("\r\n", "\n")
                + "Accept: application/json\nConnection: close\n\n");
        assertEquals(200, answer.status(), answer.raw());
        assertEquals(runId, answer.json().path("id").asLong());
        assertEquals("SCHEDULED", answer.json().path("status").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1%2F2", "%ff", "..%2F1"})
    void unusualButWellFormedPathReachesTheFunctionAsSent(String idSegment) throws IOException {
        // the function, not the front, refuses the id: the path got through
        RawHttp.Answer answer = RawHttp.exchange(api(), "GET /api/run/" + idSegment + " HTTP/1.1\r\n" + host()
                + "Connection: close\r\n\r\n");
        assertEquals(400, answer.status(), answer.raw());
        assertEquals("invalid_input", answer.json().path("error").asText(), answer.raw());
    }

    @Test
    void chunkedBodyIsServedWhole() throws IOException {
        JsonNode other = RawHttp.exchange(api(), form("POST", "/api/run", "name=chunked")).json();
        String body = "token=" + other.path("token").asText() + "&ts=1369312595";
        int half = body.length() / 2;
        RawHttp.Answer answer = RawHttp.exchange(api(), "PUT /api/run/start/" + other.path("id").asLong() + " HTTP/1.1\r\n"
                + host() + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n");
        assertEquals(200, answer.status(), answer.raw());
        assertEquals("RUNNING", answer.json().path("status").asText());
        assertEquals(1369312595L, answer.json().path("started").asLong());
    }

    @Test
    void expectContinueGetsA100BeforeTheBodyIsSent() throws IOException {
        String body = "name=expecting";
        try (RawHttp http = RawHttp.connect(api())) {
            http.send("POST /api/run HTTP/1.1\r\n" + host() + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n");
            String interim = http.readHead();
            assertTrue(interim.startsWith("HTTP/1.1 100 "), interim);
            RawHttp.Answer answer = http.send(body).read(false);
            assertEquals(201, answer.status(), answer.raw());
            assertEquals("expecting", answer.json().path("name").asText());
        }
    }

    @Test
    void everyAnswerCarriesARequestIdAndAKeepAliveConnectionServesTheNextRequest() throws IOException {
        try (RawHttp http = RawHttp.connect(api())) {
            RawHttp.Answer first = http.send("GET /api/nothing HTTP/1.1\r\n" + host() + "\r\n").read(false);
            first.assertJsonError(404);
            RawHttp.Answer second = http.send("GET /api/run/" + runId + " HTTP/1.1\r\n" + host() + "\r\n").read(false);
            assertEquals(200, second.status(), second.raw());
            assertNotNull(first.header(HttpFront.REQUEST_ID_HEADER));
            assertNotNull(second.header(HttpFront.REQUEST_ID_HEADER));
            assertFalse(first.header(HttpFront.REQUEST_ID_HEADER).equals(second.header(HttpFront.REQUEST_ID_HEADER)));
        }
    }

    // ---- helpers ----

    /** Sends {@code request} on its own connection; asserts a JSON error with {@code status} and an unchanged run. */
    private static RawHttp.Answer probe(int status, String request) throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(api(), request).assertJsonError(status);
        assertNotNull(answer.header(HttpFront.REQUEST_ID_HEADER), answer.raw());
        assertRunUnchanged();
        return answer;
    }

    private static void assertTimedOut(RawHttp.Answer answer) {
        assertTrue(answer.took().compareTo(READ_TIMEOUT.minusMillis(100)) >= 0, "answered before the read timeout: " + answer.took());
        assertTrue(answer.took().compareTo(READ_TIMEOUT.multipliedBy(5)) < 0, "answered long after the read timeout: " + answer.took());
        assertEquals("close", answer.header("connection"), answer.raw());
    }

    private static void assertRunUnchanged() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(api(), "GET /api/run/" + runId + " HTTP/1.1\r\n" + host()
                + "Connection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer.raw());
        assertEquals("SCHEDULED", answer.json().path("status").asText(), "the probe changed the run: " + answer.raw());
        assertFalse(answer.json().has("started"), answer.raw());
    }

    private static String startBody() {
        return "token=" + token + "&ts=1369312595";
    }

    private static String formHeaders(String body) {
        return "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n";
    }

    private static String form(String method, String path, String body) {
        return method + " " + path + " HTTP/1.1\r\n" + host() + formHeaders(body) + "Connection: close\r\n\r\n" + body;
    }

    private static String host() {
        return "Host: 127.0.0.1:" + api().getPort() + "\r\n";
    }

    private static URI api() {
        return LOCAL.cloud().apiUrl();
    }
}
