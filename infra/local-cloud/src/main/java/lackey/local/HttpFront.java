package lackey.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The local cloud's HTTP front on 127.0.0.1 (Jetty). It reads each request within API Gateway HTTP API's limits,
 * answers whatever is malformed, too large or too slow with a JSON error in lackey's shape, and hands every other
 * request, read whole, to the first {@link Site} with an endpoint for its method and path (the API; later the
 * dashboard). One log line per request: method, path, status, time; never bodies or query strings, which carry
 * tokens.
 */
final class HttpFront implements AutoCloseable {

    /**
     * How long a request may send nothing before it is answered 408, and how long an idle connection is kept.
     * HTTP API documents no such timeout; 30 s is its integration timeout, the JDK server's idle interval and
     * Jetty's default idle timeout.
     */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** HTTP API's quota: the request line and the header values together, in bytes. */
    static final int MAX_REQUEST_LINE_AND_HEADER_VALUES = 10_240;
    /** Header fields in one request: HTTP API documents no count; 100 is Apache httpd's and Tomcat's default. */
    static final int MAX_HEADER_FIELDS = 100;
    /** The header API Gateway names each request with. */
    static final String REQUEST_ID_HEADER = "Apigw-Requestid";

    // Jetty answers 431 itself to a request head longer than this; below it, the quotas above are checked on what
    // it parsed. Room for 10,240 bytes of values and the names, separators and line ends of 100 fields.
    private static final int PARSED_HEAD_LIMIT = 32 * 1024;
    // A body declared over the 10 MB quota but not over this is read and dropped before the 413: closing on a
    // client still sending makes it see a reset instead of the answer. Beyond it the client may see the reset.
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;
    // The methods an HTTP API route can name; anything else is not implemented (RFC 9110, 15.6.2).
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int ACCEPT_QUEUE = 128;

    private final ServerSocketChannel channel;
    private final CompletableFuture<Server> server;
    private final PrintStream log;
    private volatile List<Site> sites = List.of();

    /** What the front serves besides its own error answers: the API, later the dashboard. */
    interface Site {

        /** The endpoint serving {@code method} at {@code rawPath} (still percent-encoded), or empty when this site has none. */
        Optional<Endpoint> endpoint(String method, String rawPath);
    }

    /** Answers one request that the front has read whole and found within its limits. */
    @FunctionalInterface
    interface Endpoint {

        HttpApiEvents.Response answer(HttpApiEvents.Request request, String requestId) throws IOException;
    }

    private HttpFront(ServerSocketChannel channel, Duration readTimeout, PrintStream log) {
        this.channel = channel;
        this.log = log;
        // Loading Jetty takes a few hundred milliseconds: done beside the rest of the local cloud's start
        this.server = CompletableFuture.supplyAsync(() -> jetty(readTimeout),
                task -> Thread.ofVirtual().name("lackey-http-setup").start(task));
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 picks a free one) without serving yet, so the URL is known before the
     * functions and rules that need it start.
     *
     * @param readTimeout how long a request may send nothing before it is answered 408
     * @throws BindException when the port is taken
     * @throws IOException   when it cannot be bound for another reason
     */
    static HttpFront bind(int port, Duration readTimeout, PrintStream log) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), ACCEPT_QUEUE);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new HttpFront(channel, readTimeout, log);
    }

    private Server jetty(Duration readTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("lackey-http");
        // each request is handled on a virtual thread: it blocks on its body and on the function it calls
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("lackey-http-request-"));
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(PARSED_HEAD_LIMIT);
        http.setResponseHeaderSize(PARSED_HEAD_LIMIT);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // RFC 9110 as Jetty reads it, plus lines ended by a bare LF, which common servers accept too.
        http.setHttpCompliance(HttpCompliance.RFC9110.with("RFC9110_LF",
                HttpCompliance.Violation.LF_HEADER_TERMINATION, HttpCompliance.Violation.LF_CHUNK_TERMINATION));
        // The path is passed on as sent (payload 2.0's rawPath) and matched segment by segment, so encoded
        // separators, dot segments and escapes that are not UTF-8 are not ambiguous here. Jetty still refuses a
        // path with a malformed percent-escape; the front checks the query string, which Jetty does not read.
        http.setUriCompliance(UriCompliance.LEGACY.with("LEGACY_RAW_PATH",
                UriCompliance.Violation.BAD_UTF8_ENCODING, UriCompliance.Violation.TRUNCATED_UTF8_ENCODING));
        ServerConnector connector = new ServerConnector(jetty, new AnsweringHttpConnectionFactory(http));
        connector.setIdleTimeout(readTimeout.toMillis());
        jetty.addConnector(connector);
        jetty.setHandler(new Front());
        jetty.setErrorHandler(new JsonErrors());
        try {
            // TCP_NODELAY on every accepted connection is Jetty's default: no answer waits for a delayed ACK
            connector.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jetty;
    }

    /** Starts serving {@code sites}: a request goes to the first with an endpoint for it, else it is a 404. */
    void start(List<Site> sites) {
        this.sites = List.copyOf(sites);
        try {
            server.join().start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP front on " + url() + ": " + e.getMessage(), e);
        }
    }

    /** The front's base URL, e.g. {@code http://127.0.0.1:8000}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + channel.socket().getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.join().stop();
        } catch (Exception e) {
            log.println("[api] stopping the HTTP front failed: " + e.getMessage());
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                log.println("[api] closing the API's port failed: " + e.getMessage());
            }
        }
    }

    private final class Front extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            serve(request, response, callback);
            return true;
        }
    }

    private void serve(Request request, Response response, Callback callback) {
        response.getHeaders().put(REQUEST_ID_HEADER, requestId());
        // Once a request is read, its function may take its time: only a read or a write that stalls times out.
        request.addIdleTimeoutListener(timeout -> false);
        String method = request.getMethod();
        String rawPath = Objects.requireNonNullElse(request.getHttpURI().getPath(), "");
        HttpApiEvents.Response answer;
        try {
            answer = answer(request, method, rawPath, response.getHeaders().get(REQUEST_ID_HEADER));
        } catch (ReadTimeout e) {
            answer = HttpErrors.answer(HttpStatus.REQUEST_TIMEOUT_408, null);
        } catch (IOException e) {
            // The body could not be read: a malformed chunk, or the client went away. Jetty answers the first
            // through JsonErrors, which writes the log line; nobody is left to answer the second.
            callback.failed(e);
            return;
        } catch (RuntimeException e) {
            log.println("[api] " + method + " " + rawPath + " failed: " + e);
            answer = HttpErrors.answer(HttpStatus.INTERNAL_SERVER_ERROR_500, null);
        }
        int status = answer.status();
        if (status == HttpStatus.REQUEST_TIMEOUT_408 || status == HttpStatus.PAYLOAD_TOO_LARGE_413) {
            // what is left of the body is not read: the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        write(response, answer, Callback.from(() -> {
            logLine(request, method, rawPath, Integer.toString(status));
            callback.succeeded();
        }, failure -> {
            logLine(request, method, rawPath, status + ", not delivered: " + failure.getMessage());
            callback.failed(failure);
        }));
    }

    private HttpApiEvents.Response answer(Request request, String method, String rawPath, String requestId) throws IOException {
        if (!METHODS.contains(method)) {
            return HttpErrors.answer(HttpStatus.NOT_IMPLEMENTED_501, "HTTP API serves GET, HEAD, POST, PUT, PATCH, DELETE"
                    + " and OPTIONS, not " + method);
        }
        String rawQuery = Objects.requireNonNullElse(request.getHttpURI().getQuery(), "");
        String protocol = request.getConnectionMetaData().getProtocol();
        HttpFields fields = request.getHeaders();
        Optional<HttpApiEvents.Response> overQuota = overHeadQuota(method, rawPath, rawQuery, protocol, fields);
        if (overQuota.isPresent()) {
            return overQuota.get();
        }
        if (!wellFormedPercentEscapes(rawPath) || !wellFormedPercentEscapes(rawQuery)) {
            return HttpErrors.answer(HttpStatus.BAD_REQUEST_400,
                    "The path or the query string has a malformed percent-escape: % must be followed by two hex digits");
        }
        Optional<Endpoint> endpoint = sites.stream().flatMap(site -> site.endpoint(method, rawPath).stream()).findFirst();
        if (endpoint.isEmpty()) {
            return HttpApiEvents.Response.json(404, "not_found", "No route for " + method + " " + rawPath);
        }
        byte[] body = readBody(request, fields);
        if (body == null) {
            return HttpErrors.answer(HttpStatus.PAYLOAD_TOO_LARGE_413, null);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(fields.size());
        for (HttpField field : fields) {
            headers.add(Map.entry(field.getName(), Objects.requireNonNullElse(field.getValue(), "")));
        }
        return endpoint.get().answer(new HttpApiEvents.Request(method, rawPath, rawQuery, headers, body,
                Request.getRemoteAddr(request), protocol), requestId);
    }

    // HTTP API's quota counts the request line and the header values (not the names); the count is the front's.
    private static Optional<HttpApiEvents.Response> overHeadQuota(String method, String rawPath, String rawQuery,
                                                                  String protocol, HttpFields fields) {
        if (fields.size() > MAX_HEADER_FIELDS) {
            return Optional.of(HttpErrors.answer(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431, "The request has "
                    + fields.size() + " header fields; the local API takes at most " + MAX_HEADER_FIELDS));
        }
        long line = utf8Length(method) + 1 + utf8Length(rawPath) + (rawQuery.isEmpty() ? 0 : 1 + utf8Length(rawQuery))
                + 1 + utf8Length(protocol);
        if (line > MAX_REQUEST_LINE_AND_HEADER_VALUES) {
            return Optional.of(HttpErrors.answer(HttpStatus.URI_TOO_LONG_414, null));
        }
        long total = line;
        for (HttpField field : fields) {
            total += utf8Length(field.getValue());
        }
        if (total > MAX_REQUEST_LINE_AND_HEADER_VALUES) {
            return Optional.of(HttpErrors.answer(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431, "The request line and"
                    + " header values are " + total + " bytes; HTTP API's limit is " + MAX_REQUEST_LINE_AND_HEADER_VALUES));
        }
        return Optional.empty();
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    // Every % starts an escape of two hex digits; the routes and payload 2.0's parameters decode them.
    static boolean wellFormedPercentEscapes(String raw) {
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || !HexFormat.isHexDigit(raw.charAt(i + 1)) || !HexFormat.isHexDigit(raw.charAt(i + 2))) {
                return false;
            }
        }
        return true;
    }

    // The body, or null when it is over HTTP API's payload quota.
    private static byte[] readBody(Request request, HttpFields fields) throws IOException {
        long declared = fields.getLongField(HttpHeader.CONTENT_LENGTH);
        // not closed: closing it early would fail the request's content; Jetty finishes it with the response
        InputStream in = Content.Source.asInputStream(request);
        try {
            if (declared > HttpApiEvents.MAX_BODY_BYTES) {
                // a client waiting for 100 Continue has sent nothing yet: it gets the 413 at once
                if (declared <= DRAIN_LIMIT && !fields.contains(HttpHeader.EXPECT, "100-continue")) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                return null;
            }
            byte[] bytes = in.readNBytes(HttpApiEvents.MAX_BODY_BYTES + 1);
            return bytes.length > HttpApiEvents.MAX_BODY_BYTES ? null : bytes;
        } catch (IOException e) {
            if (causedByTimeout(e)) {
                throw new ReadTimeout();
            }
            throw e;
        }
    }

    private static boolean causedByTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The body stopped arriving for longer than the read timeout. */
    private static final class ReadTimeout extends IOException {

        private static final long serialVersionUID = 1L;

        ReadTimeout() {
            super("read timeout");
        }
    }

    // HEAD, 204 and 304 carry no body. HEAD keeps the Content-Length its GET would have; Jetty sends no body bytes.
    private static void write(Response response, HttpApiEvents.Response answer, Callback callback) {
        int status = answer.status();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        answer.headers().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        // the front frames the body itself
        headers.remove(HttpHeader.TRANSFER_ENCODING);
        if (status == HttpStatus.NO_CONTENT_204 || status == HttpStatus.NOT_MODIFIED_304) {
            headers.remove(HttpHeader.CONTENT_LENGTH);
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private void logLine(Request request, String method, String rawPath, String outcome) {
        long millis = (System.nanoTime() - request.getBeginNanoTime()) / 1_000_000;
        log.printf("[api] %s %s %s %d ms%n", HttpErrors.printable(method), HttpErrors.printable(rawPath), outcome, millis);
    }

    // HTTP API's request ids look like "JKJaXmPLvHcESHA=": 11 random bytes in base64.
    private static String requestId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Jetty's answer to a request it could not read (malformed, head too large, head or body too slow) or to a
     * failure: always lackey's JSON error, never Jetty's page or a Java class name.
     */
    private final class JsonErrors implements Request.Handler {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            String reason = null;
            if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof org.eclipse.jetty.http.HttpException http) {
                status = http.getCode();
                reason = http.getReason();
            }
            if (status < 400) {
                status = HttpStatus.INTERNAL_SERVER_ERROR_500;
            }
            HttpApiEvents.Response answer = HttpErrors.refused(status, reason);
            if (!response.getHeaders().contains(REQUEST_ID_HEADER)) {
                response.getHeaders().put(REQUEST_ID_HEADER, requestId());
            }
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            // Jetty names a request it could not read as far as its method "BAD /badMessage"
            boolean unread = "BAD".equals(request.getMethod());
            String method = unread ? null : request.getMethod();
            String path = unread || request.getHttpURI() == null ? null : request.getHttpURI().getPath();
            int shown = status;
            write(response, answer, Callback.from(() -> {
                logLine(request, method, path, Integer.toString(shown));
                callback.succeeded();
            }, failure -> {
                logLine(request, method, path, shown + ", not delivered");
                callback.failed(failure);
            }));
            return true;
        }
    }

    /**
     * Jetty's HTTP/1.1 connections, except that a request head that stops arriving is answered 408 through
     * {@link JsonErrors} instead of being closed without a word. Before the head is complete Jetty has no
     * request to time out, so the connection reports the timeout as a bad message, as it does any other
     * unreadable head.
     */
    private static final class AnsweringHttpConnectionFactory extends HttpConnectionFactory {

        AnsweringHttpConnectionFactory(HttpConfiguration configuration) {
            super(configuration);
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
                @Override
                public boolean onIdleExpired(TimeoutException timeout) {
                    // part of a request head arrived (an idle connection between requests is just closed)
                    if (getHttpChannel().getRequest() == null && !getParser().isStart()
                            && getParser().getHandler() instanceof HttpParser.RequestHandler handler) {
                        handler.badMessage(new BadMessageException(HttpStatus.REQUEST_TIMEOUT_408, "Request head timeout"));
                        return false;
                    }
                    return super.onIdleExpired(timeout);
                }
            };
            connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
            connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
            return configure(connection, connector, endPoint);
        }
    }
}
