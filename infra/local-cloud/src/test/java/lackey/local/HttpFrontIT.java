package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lackey.local.template.FunctionDefinition;
import lackey.local.template.HttpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP front and the API Gateway in front of a test function that answers as told (status, delay): what a
 * function's answer looks like on the wire, and that the read timeout is for clients, not for functions.
 */
class HttpFrontIT {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @TempDir
    static Path home;

    private static FunctionHosts hosts;
    private static HttpFront front;

    @BeforeAll
    static void startTheFrontBeforeAScriptedFunction() throws IOException {
        FunctionDefinition scripted = new FunctionDefinition("Scripted", "Scripted", "lackey.local.handlers.ScriptedHttpHandler",
                "handleRequest", Map.of(), 30, 256, List.of(), List.of());
        hosts = FunctionHosts.start(List.of(scripted), Map.of("AWS_REGION", "us-east-1"), TestClassPath.get(), home);
        front = HttpFront.bind(0, READ_TIMEOUT, new PrintStream(LOG, true, StandardCharsets.UTF_8));
        front.start(List.of(new ApiGateway(List.of(new HttpRoute("ANY", "/scripted", "Scripted")), List.of(scripted), hosts,
                "000000000000", "local")));
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @BeforeEach
    void forgetTheLog() {
        synchronized (LOG) {
            LOG.reset();
        }
    }

    @Test
    void functionSlowerThanTheReadTimeoutIsAnsweredInFull() throws IOException {
        RawHttp.Answer answer = RawHttp.exchange(front.url(), "GET /scripted?sleepMillis=" + READ_TIMEOUT.multipliedBy(4).toMillis()
                + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer.raw());
        assertEquals("GET body=null base64=false", answer.body());
        assertTrue(answer.took().compareTo(READ_TIMEOUT.multipliedBy(4)) >= 0, answer.took().toString());
    }

    @Test
    void headAnswerKeepsItsLengthAndSendsNoBody() throws IOException {
        try (RawHttp http = RawHttp.connect(front.url())) {
            RawHttp.Answer head = http.send("HEAD /scripted HTTP/1.1\r\nHost: test\r\n\r\n").read(true);
            assertEquals(200, head.status(), head.raw());
            assertEquals(Integer.toString("HEAD body=null base64=false".length()), head.header("content-length"));
            // had any body bytes followed, they would be read here as the next status line
            RawHttp.Answer next = http.send("GET /scripted HTTP/1.1\r\nHost: test\r\n\r\n").read(false);
            assertEquals(200, next.status(), next.raw());
            assertEquals("GET body=null base64=false", next.body());
        }
    }

    @Test
    void noContentAnswerHasNeitherBodyNorLength() throws IOException {
        try (RawHttp http = RawHttp.connect(front.url())) {
            RawHttp.Answer empty = http.send("GET /scripted?status=204 HTTP/1.1\r\nHost: test\r\n\r\n").read(false);
            assertEquals(204, empty.status(), empty.raw());
            assertNull(empty.header("content-length"), empty.raw());
            RawHttp.Answer next = http.send("GET /scripted HTTP/1.1\r\nHost: test\r\n\r\n").read(false);
            assertEquals(200, next.status(), next.raw());
        }
    }

    @Test
    void chunkedBodyAfterExpectContinueReachesTheFunctionWhole() throws IOException {
        try (RawHttp http = RawHttp.connect(front.url())) {
            http.send("PUT /scripted HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            assertTrue(http.readHead().startsWith("HTTP/1.1 100 "));
            RawHttp.Answer answer = http.send("6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n").read(false);
            assertEquals(200, answer.status(), answer.raw());
            assertEquals("PUT body=hello world base64=false", answer.body());
        }
    }

    @Test
    void oneLogLinePerRequestWithoutQueryStringOrBody() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(front.url(), "POST /scripted?token=secret-in-query HTTP/1.1\r\nHost: test\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 20\r\nConnection: close\r\n\r\nsecret-in-body-12345");
        assertEquals(200, answer.status(), answer.raw());
        RawHttp.exchange(front.url(), "GET /scripted?%zz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").assertJsonError(400);
        RawHttp.exchange(front.url(), "GET /scripted?token=secret-in-query HTTP/1.1 x\r\nHost: test\r\n\r\n").assertJsonError(400);
        // Lines of an earlier test's request may still arrive, and a line may be read half written: wait for the
        // three lines of these requests, whatever else the log holds, then check that no line carries a secret.
        List<String> expected = List.of("\\[api] POST /scripted 200 \\d+ ms", "\\[api] GET /scripted 400 \\d+ ms",
                "\\[api] - - 400 \\d+ ms");
        String log = logOnceItHas(expected);
        for (String line : expected) {
            assertTrue(log.lines().anyMatch(l -> l.matches(line)), line + " in\n" + log);
        }
        assertFalse(log.contains("secret"), log);
    }

    // a line is written once the answer is sent, which may be just after the client has read it
    private static String logOnceItHas(List<String> patterns) throws InterruptedException {
        long deadline = System.nanoTime() + RawHttp.PATIENCE.toNanos();
        while (true) {
            String log;
            synchronized (LOG) {
                log = LOG.toString(StandardCharsets.UTF_8);
            }
            String seen = log;
            if (patterns.stream().allMatch(p -> seen.lines().anyMatch(l -> l.matches(p))) || System.nanoTime() > deadline) {
                return log;
            }
            Thread.sleep(10);
        }
    }
}
