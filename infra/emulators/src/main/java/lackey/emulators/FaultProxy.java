package lackey.emulators;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A fault-injecting HTTP/1.1 proxy in front of one emulated AWS service, on 127.0.0.1. It passes requests
 * through byte for byte (so SigV4 signatures stay valid, presigned URLs included) until a test tells it to fail:
 * refuse connections, answer 500, answer the service's own throttling error, answer later than the SDK waits, or
 * cut the answer off mid-body. Faults are switched at run time, for every request or only for one operation
 * (e.g. {@code UpdateItem}, {@code PutObject}, {@code PutEvents}), until cleared or for the next few requests.
 *
 * <p>The slow and cut faults forward the request first, so the service applies it: they are the ambiguous
 * case, a write that was made but whose answer the caller never got. The 500 and throttling faults answer in
 * the service's place and forward nothing.
 */
public final class FaultProxy implements AutoCloseable {

    /** Which service stands behind the proxy: it decides the shape of the errors the proxy makes up. */
    public enum Service {
        DYNAMODB, S3, EVENTBRIDGE
    }

    /** What goes wrong. */
    public sealed interface Fault {
        /** Nobody listens: connecting fails with "connection refused"; open connections are closed. */
        record Refuse() implements Fault {
        }

        /** The service answers 500 with its own internal-error body; the request is not applied. */
        record ServerError() implements Fault {
        }

        /**
         * The service's throttling error (DynamoDB {@code ProvisionedThroughputExceededException} or
         * {@code ThrottlingException}, S3 {@code 503 SlowDown}, EventBridge {@code ThrottlingException}); the
         * request is not applied. {@code code} picks DynamoDB's variant; empty takes the service's usual one.
         */
        record Throttle(Optional<String> code) implements Fault {
        }

        /** The request is applied, its answer held back for {@code delay} (longer than the caller waits). */
        record Slow(Duration delay) implements Fault {
        }

        /**
         * The request is applied; its answer stops halfway through its body (through its status line, when it has
         * no body) and the connection closes.
         */
        record CutMidBody() implements Fault {
        }

        /**
         * EventBridge only: PutEvents refuses the first {@code entries} entries it is sent from now on, counted
         * across calls, with {@code InternalFailure} in an otherwise successful answer ({@code FailedEntryCount});
         * the other entries of a call are forwarded and delivered.
         */
        record RefuseEntries(int entries) implements Fault {
        }

        static Fault refuse() {
            return new Refuse();
        }

        static Fault serverError() {
            return new ServerError();
        }

        static Fault throttle() {
            return new Throttle(Optional.empty());
        }

        static Fault throttle(String code) {
            return new Throttle(Optional.of(code));
        }

        static Fault slow(Duration delay) {
            return new Slow(delay);
        }

        static Fault cutMidBody() {
            return new CutMidBody();
        }

        static Fault refuseEntries(int entries) {
            return new RefuseEntries(entries);
        }
    }

    /** A request as the proxy sees it: enough to name its operation. */
    public record Request(String method, String path, String query, Map<String, String> headers) {

        /**
         * The API operation: from {@code X-Amz-Target} for DynamoDB and EventBridge ({@code UpdateItem},
         * {@code PutEvents}), from the method and path for S3 ({@code PutObject}, {@code GetObject},
         * {@code HeadObject}, {@code DeleteObject}, {@code ListObjectsV2}, {@code CreateBucket} …).
         */
        public String operation() {
            String target = headers.get("x-amz-target");
            if (target != null) {
                return target.substring(target.indexOf('.') + 1);
            }
            boolean hasKey = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length() - 1;
            return switch (method) {
                case "PUT" -> hasKey ? "PutObject" : "CreateBucket";
                case "GET" -> hasKey ? "GetObject" : query.contains("list-type=2") ? "ListObjectsV2" : "ListObjects";
                case "HEAD" -> hasKey ? "HeadObject" : "HeadBucket";
                case "DELETE" -> hasKey ? "DeleteObject" : "DeleteBucket";
                case "POST" -> query.contains("delete") ? "DeleteObjects" : "PostObject";
                default -> method;
            };
        }
    }

    /** A fault and what it applies to: one operation or all ({@code operation} empty), so many times or until cleared. */
    private record Rule(Fault fault, Optional<String> operation, AtomicInteger remaining) {
        boolean applies(Request request) {
            return operation.map(op -> op.equals(request.operation())).orElse(true) && remaining.get() != 0;
        }
    }

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Service service;
    private final String upstreamHost;
    private final int upstreamPort;
    private final int port;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final AtomicInteger entriesToRefuse = new AtomicInteger();
    private volatile Consumer<String> acceptedEvents;
    private final Object listening = new Object();
    private ServerSocket server; // null while refusing
    private Thread accepting;
    private volatile boolean closed;

    private FaultProxy(Service service, URI upstream, ServerSocket server) {
        this.service = service;
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        this.server = server;
        this.port = server.getLocalPort();
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1 that forwards to {@code upstream} (e.g. dynalite's endpoint).
     * Point clients at {@link #endpoint()} instead of the emulator's.
     */
    public static FaultProxy start(Service service, URI upstream) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(upstream, "upstream");
        if (upstream.getPort() < 0) {
            throw new IllegalArgumentException("the upstream needs an explicit port: " + upstream);
        }
        FaultProxy proxy = new FaultProxy(service, upstream, bind(0));
        proxy.acceptOn(proxy.server);
        return proxy;
    }

    /** Where clients send requests, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Service service() {
        return service;
    }

    /** From now on every request fails with {@code fault}, until {@link #clear()}. */
    public void fail(Fault fault) {
        add(fault, Optional.empty(), -1);
    }

    /** From now on every request of {@code operation} fails with {@code fault}, until {@link #clear()}. */
    public void fail(Fault fault, String operation) {
        add(fault, Optional.of(operation), -1);
    }

    /** The next {@code times} requests of {@code operation} fail with {@code fault}; later ones pass. */
    public void failNext(int times, Fault fault, String operation) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + times);
        }
        add(fault, Optional.of(operation), times);
    }

    private void add(Fault fault, Optional<String> operation, int times) {
        Objects.requireNonNull(fault, "fault");
        switch (fault) {
            case Fault.Refuse refuse -> {
                if (operation.isPresent() || times != -1) {
                    throw new IllegalArgumentException("refusing connections cannot be limited to an operation or a count");
                }
                refuse();
                return;
            }
            case Fault.RefuseEntries refuseEntries -> {
                if (service != Service.EVENTBRIDGE) {
                    throw new IllegalArgumentException("only EventBridge refuses entries");
                }
                entriesToRefuse.set(refuseEntries.entries());
                return;
            }
            default -> rules.add(new Rule(fault, operation, new AtomicInteger(times)));
        }
    }

    /** Every fault ends: connections are accepted again and requests pass. */
    public void clear() {
        rules.clear();
        entriesToRefuse.set(0);
        synchronized (listening) {
            if (server == null && !closed) {
                server = bind(port);
                acceptOn(server);
            }
        }
    }

    /**
     * EventBridge only: hands every entry a PutEvents answer accepted to {@code listener}, as the event JSON
     * EventBridge delivers to targets ({@code id}, {@code detail-type}, {@code source}, {@code detail} …). For an
     * emulator whose rules cannot deliver to code (moto), this is how a test sees what was published.
     */
    public void onAcceptedEvents(Consumer<String> listener) {
        if (service != Service.EVENTBRIDGE) {
            throw new IllegalArgumentException("only EventBridge accepts events");
        }
        acceptedEvents = listener;
    }

    /** The operations of the requests received so far, in order (refused connections send none). */
    public List<String> operations() {
        return List.copyOf(operations);
    }

    /** Forgets the operations seen so far. */
    public void resetOperations() {
        operations.clear();
    }

    private void refuse() {
        synchronized (listening) {
            if (server != null) {
                closeQuietly(server);
                server = null;
                // The socket is released only once the accepting thread has left accept(): until then the port
                // may still take a connection.
                try {
                    accepting.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // a client would otherwise go on using the connections it keeps alive
        open.forEach(FaultProxy::closeQuietly);
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(EmulatorProcess.LOOPBACK, port), 128);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("the fault proxy cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    private void acceptOn(ServerSocket listener) {
        accepting = Thread.ofPlatform().daemon(true).name("fault-proxy-" + port).start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    open.add(client);
                    Thread.ofVirtual().start(() -> serve(client));
                } catch (IOException e) {
                    return; // closed: refusing, or the proxy is closing
                }
            }
        });
    }

    /** One client connection: its requests one after the other (HTTP/1.1 without pipelining, as the SDK sends them). */
    private void serve(Socket client) {
        Socket upstream = null;
        InputStream fromUpstream = null;
        OutputStream toUpstream = null;
        try (client) {
            client.setTcpNoDelay(true);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
            while (true) {
                Head head = Head.read(fromClient);
                if (head == null) {
                    return;
                }
                Request request = head.request();
                operations.add(request.operation());
                Fault fault = takeFault(request);
                if (fault instanceof Fault.ServerError || fault instanceof Fault.Throttle) {
                    if (head.expectsContinue()) {
                        toClient.write(CONTINUE);
                        toClient.flush();
                    }
                    readBody(fromClient, head, OutputStream.nullOutputStream());
                    writeMadeUp(toClient, request, fault);
                    continue;
                }
                // A connection of its own to the service for every request: one the service closed while it sat idle
                // (Jetty does after a while, moto after every answer) would otherwise fail the next request midway.
                if (upstream != null) {
                    open.remove(upstream);
                    closeQuietly(upstream);
                    upstream = null;
                }
                upstream = new Socket(upstreamHost, upstreamPort);
                upstream.setTcpNoDelay(true);
                open.add(upstream);
                fromUpstream = new BufferedInputStream(upstream.getInputStream());
                toUpstream = new BufferedOutputStream(upstream.getOutputStream());
                int refuse = request.operation().equals("PutEvents") ? entriesToRefuse.get() : 0;
                if (refuse > 0) {
                    if (refuseEntries(head, fromClient, toClient, toUpstream, fromUpstream)) {
                        // the service closes its side (moto does after every answer); the client keeps its connection
                        open.remove(upstream);
                        closeQuietly(upstream);
                        upstream = null;
                    }
                    continue;
                }
                var sentBody = new ByteArrayOutputStream();
                Consumer<String> listener = request.operation().equals("PutEvents") ? acceptedEvents : null;
                toUpstream.write(head.bytes());
                toUpstream.flush();
                Head answer;
                if (head.expectsContinue()) {
                    answer = Head.read(fromUpstream);
                    if (answer == null) {
                        return;
                    }
                    if (answer.status() == 100) {
                        toClient.write(answer.bytes());
                        toClient.flush();
                        readBody(fromClient, head, listener == null ? toUpstream : new Tee(toUpstream, sentBody));
                        toUpstream.flush();
                        answer = null;
                    }
                } else {
                    readBody(fromClient, head, listener == null ? toUpstream : new Tee(toUpstream, sentBody));
                    toUpstream.flush();
                    answer = null;
                }
                if (answer == null) {
                    answer = Head.read(fromUpstream);
                    while (answer != null && answer.status() >= 100 && answer.status() < 200) {
                        answer = Head.read(fromUpstream);
                    }
                    if (answer == null) {
                        return;
                    }
                }
                var body = new ByteArrayOutputStream();
                boolean untilClose = readResponseBody(fromUpstream, answer, request.method(), body);
                if (listener != null && answer.status() == 200) {
                    Json.acceptedEvents(sentBody.toString(StandardCharsets.UTF_8), body.toString(StandardCharsets.UTF_8))
                            .forEach(listener);
                }
                if (fault instanceof Fault.Slow slow) {
                    Thread.sleep(slow.delay());
                } else if (fault instanceof Fault.CutMidBody) {
                    byte[] bytes = body.toByteArray();
                    if (bytes.length > 1) {
                        toClient.write(answer.bytes());
                        toClient.write(bytes, 0, bytes.length / 2);
                    } else {
                        // No body to cut: cut the status line, as HTTP clients take a head cut after it for a whole one.
                        toClient.write(answer.bytes(), 0, "HTTP/1.1 2".length());
                    }
                    toClient.flush();
                    return; // closes the client's connection mid-answer
                }
                toClient.write(answer.bytes());
                body.writeTo(toClient);
                toClient.flush();
                if (untilClose || answer.closes() || head.closes()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client or the service went away; so does this connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
            if (upstream != null) {
                open.remove(upstream);
                closeQuietly(upstream);
            }
        }
    }

    private Fault takeFault(Request request) {
        for (Rule rule : rules) {
            if (rule.applies(request)) {
                if (rule.remaining().get() > 0 && rule.remaining().getAndDecrement() <= 0) {
                    continue; // another connection took the last one
                }
                return rule.fault();
            }
        }
        return null;
    }

    /**
     * PutEvents while entries are to be refused: the first entries of the call are answered as refused, the
     * rest (if any) forwarded as a call of their own, and the two answers merged in the order of the entries.
     * The forwarded body differs from the signed one; the local bus and moto do not check EventBridge signatures.
     */
    private boolean refuseEntries(Head head, InputStream fromClient, OutputStream toClient, OutputStream toUpstream,
                                  InputStream fromUpstream) throws IOException {
        var body = new ByteArrayOutputStream();
        if (head.expectsContinue()) {
            toClient.write(CONTINUE);
            toClient.flush();
        }
        readBody(fromClient, head, body);
        String json = body.toString(StandardCharsets.UTF_8);
        List<String> entries = Json.topLevelArrayElements(json, "Entries");
        int refused = 0;
        while (refused < entries.size()) {
            int left = entriesToRefuse.get();
            if (left <= 0) {
                break;
            }
            if (entriesToRefuse.compareAndSet(left, left - 1)) {
                refused++;
            }
        }
        var results = new ArrayList<String>();
        for (int i = 0; i < refused; i++) {
            results.add("{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"refused by the fault proxy\"}");
        }
        int failed = refused;
        boolean upstreamCloses = false;
        if (refused < entries.size()) {
            String rest = "{\"Entries\":[" + String.join(",", entries.subList(refused, entries.size())) + "]}";
            byte[] restBytes = rest.getBytes(StandardCharsets.UTF_8);
            toUpstream.write(head.withBody(restBytes.length));
            toUpstream.write(restBytes);
            toUpstream.flush();
            Head answer = Head.read(fromUpstream);
            if (answer == null) {
                throw new EOFException("the service closed the connection");
            }
            var answerBody = new ByteArrayOutputStream();
            upstreamCloses = readResponseBody(fromUpstream, answer, "POST", answerBody) || answer.closes();
            String answerJson = answerBody.toString(StandardCharsets.UTF_8);
            if (answer.status() != 200) {
                toClient.write(answer.bytes());
                answerBody.writeTo(toClient);
                toClient.flush();
                return true;
            }
            results.addAll(Json.topLevelArrayElements(answerJson, "Entries"));
            failed += Json.intField(answerJson, "FailedEntryCount");
            Consumer<String> listener = acceptedEvents;
            if (listener != null) {
                Json.acceptedEvents(rest, answerJson).forEach(listener);
            }
        }
        String merged = "{\"FailedEntryCount\":" + failed + ",\"Entries\":[" + String.join(",", results) + "]}";
        writeAnswer(toClient, 200, "application/x-amz-json-1.1", Map.of(), merged.getBytes(StandardCharsets.UTF_8), false);
        return upstreamCloses;
    }

    private void writeMadeUp(OutputStream toClient, Request request, Fault fault) throws IOException {
        boolean head = request.method().equals("HEAD");
        String requestId = UUID.randomUUID().toString();
        switch (service) {
            case DYNAMODB -> {
                boolean throttled = fault instanceof Fault.Throttle;
                String type = throttled
                        ? ((Fault.Throttle) fault).code().orElse("ProvisionedThroughputExceededException")
                        : "InternalServerError";
                String prefix = type.equals("ThrottlingException") ? "com.amazon.coral.availability#" : "com.amazonaws.dynamodb.v20120810#";
                String message = switch (type) {
                    case "ProvisionedThroughputExceededException" -> "The level of configured provisioned throughput for the table"
                            + " was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
                    case "ThrottlingException" -> "Rate of requests exceeds the allowed throughput.";
                    default -> "Internal server error";
                };
                writeAnswer(toClient, throttled ? 400 : 500, "application/x-amz-json-1.0", Map.of("x-amzn-RequestId", requestId),
                        ("{\"__type\":\"" + prefix + type + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8),
                        head);
            }
            case S3 -> {
                boolean throttled = fault instanceof Fault.Throttle;
                String code = throttled ? "SlowDown" : "InternalError";
                String message = throttled ? "Please reduce your request rate." : "We encountered an internal error. Please try again.";
                String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                        + "</Message><RequestId>" + requestId + "</RequestId><HostId>fault-proxy</HostId></Error>";
                writeAnswer(toClient, throttled ? 503 : 500, "application/xml", Map.of("x-amz-request-id", requestId),
                        xml.getBytes(StandardCharsets.UTF_8), head);
            }
            case EVENTBRIDGE -> {
                boolean throttled = fault instanceof Fault.Throttle;
                String json = throttled ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"
                        : "{\"__type\":\"InternalException\",\"message\":\"Internal error\"}";
                writeAnswer(toClient, throttled ? 400 : 500, "application/x-amz-json-1.1", Map.of("x-amzn-RequestId", requestId),
                        json.getBytes(StandardCharsets.UTF_8), head);
            }
        }
    }

    private static void writeAnswer(OutputStream out, int status, String contentType, Map<String, String> headers, byte[] body,
                                    boolean headOnly) throws IOException {
        var text = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        if (!headOnly) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 500 -> "Internal Server Error";
            case 503 -> "Slow Down";
            default -> "Status";
        };
    }

    /** Copies a request body, by Content-Length or chunked, to {@code out}. */
    private static void readBody(InputStream in, Head head, OutputStream out) throws IOException {
        if (head.chunked()) {
            copyChunked(in, out);
        } else {
            copyExactly(in, head.contentLength(), out);
        }
    }

    /** Reads a response body into {@code out}; true when it runs until the connection closes. */
    private static boolean readResponseBody(InputStream in, Head answer, String method, OutputStream out) throws IOException {
        int status = answer.status();
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return false;
        }
        if (answer.chunked()) {
            copyChunked(in, out);
            return false;
        }
        if (answer.headers().containsKey("content-length")) {
            copyExactly(in, answer.contentLength(), out);
            return false;
        }
        in.transferTo(out);
        return true;
    }

    private static void copyExactly(InputStream in, long length, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("the body ended " + left + " bytes early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    /** Copies a chunked body as it is, chunk headers, trailers and all. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = line(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } while (!trailer.isEmpty());
                return;
            }
            copyExactly(in, size, out);
            String end = line(in);
            if (!end.isEmpty()) {
                throw new IOException("a chunk did not end with CRLF");
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String line(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("the connection closed mid-line");
            }
            if (previous == '\r' && next == '\n') {
                byte[] line = bytes.toByteArray();
                return new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
            }
            bytes.write(next);
            previous = next;
            if (bytes.size() > MAX_HEAD_BYTES) {
                throw new IOException("a line longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    /** The head of a request or response: its bytes as received, and the fields the proxy needs. */
    private record Head(byte[] bytes, String startLine, Map<String, String> headers) {

        /** Reads a head up to its blank line; null when the connection closed before a first byte. */
        static Head read(InputStream in) throws IOException {
            var bytes = new ByteArrayOutputStream();
            int last4 = 0; // the last four bytes read, to spot the blank line (CR LF CR LF)
            while (last4 != 0x0d0a0d0a) {
                int next = in.read();
                if (next < 0) {
                    if (bytes.size() == 0) {
                        return null;
                    }
                    throw new EOFException("the connection closed mid-head");
                }
                bytes.write(next);
                last4 = (last4 << 8) | next;
                if (bytes.size() > MAX_HEAD_BYTES) {
                    throw new IOException("a head longer than " + MAX_HEAD_BYTES + " bytes");
                }
            }
            byte[] raw = bytes.toByteArray();
            String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            return new Head(raw, lines[0], headers);
        }

        Request request() {
            String[] parts = startLine.split(" ");
            String target = parts.length > 1 ? parts[1] : "/";
            int question = target.indexOf('?');
            return new Request(parts[0], question < 0 ? target : target.substring(0, question),
                    question < 0 ? "" : target.substring(question + 1), headers);
        }

        int status() {
            String[] parts = startLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() {
            String length = headers.get("content-length");
            return length == null ? 0 : Long.parseLong(length.trim());
        }

        boolean expectsContinue() {
            return "100-continue".equalsIgnoreCase(headers.getOrDefault("expect", ""));
        }

        boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }

        /** This request's head for another body of {@code length} bytes, sent at once (no 100-continue). */
        byte[] withBody(int length) {
            var text = new StringBuilder(startLine).append("\r\n");
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
                if (!name.isEmpty() && !name.equals("content-length") && !name.equals("expect") && !name.equals("transfer-encoding")) {
                    text.append(lines[i]).append("\r\n");
                }
            }
            text.append("Content-Length: ").append(length).append("\r\n\r\n");
            return text.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Copies what is written to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }

    /** Just enough JSON for PutEvents: the elements of a top-level array, a top-level integer, the accepted events. */
    static final class Json {

        private static final ObjectMapper MAPPER = new ObjectMapper();

        private Json() {
        }

        /** The entries of a PutEvents call its answer accepted, as events shaped as EventBridge delivers them. */
        static List<String> acceptedEvents(String request, String answer) {
            try {
                JsonNode entries = MAPPER.readTree(request).path("Entries");
                JsonNode results = MAPPER.readTree(answer).path("Entries");
                var events = new ArrayList<String>();
                for (int i = 0; i < entries.size() && i < results.size(); i++) {
                    JsonNode entry = entries.get(i);
                    JsonNode result = results.get(i);
                    if (!result.hasNonNull("EventId")) {
                        continue;
                    }
                    ObjectNode event = MAPPER.createObjectNode();
                    event.put("version", "0");
                    event.put("id", result.get("EventId").asText());
                    event.put("detail-type", entry.path("DetailType").asText());
                    event.put("source", entry.path("Source").asText());
                    event.put("event-bus-name", entry.path("EventBusName").asText("default"));
                    event.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                    event.set("resources", entry.path("Resources").isArray() ? entry.get("Resources") : MAPPER.createArrayNode());
                    event.set("detail", MAPPER.readTree(entry.path("Detail").asText("{}")));
                    events.add(MAPPER.writeValueAsString(event));
                }
                return events;
            } catch (IOException e) {
                return List.of(); // not a PutEvents exchange this proxy understands: nothing to report
            }
        }

        static List<String> topLevelArrayElements(String json, String field) {
            int key = json.indexOf("\"" + field + "\"");
            if (key < 0) {
                return List.of();
            }
            int start = json.indexOf('[', key);
            var elements = new ArrayList<String>();
            int depth = 0;
            int elementStart = -1;
            boolean inString = false;
            for (int i = start + 1; i < json.length(); i++) {
                char c = json.charAt(i);
                if (inString) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        inString = false;
                    }
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        inString = true;
                        if (elementStart < 0) {
                            elementStart = i;
                        }
                    }
                    case '{', '[' -> {
                        if (depth == 0 && elementStart < 0) {
                            elementStart = i;
                        }
                        depth++;
                    }
                    case '}', ']' -> {
                        if (depth == 0) {
                            if (elementStart >= 0) {
                                elements.add(json.substring(elementStart, i).trim());
                            }
                            return elements;
                        }
                        depth--;
                    }
                    case ',' -> {
                        if (depth == 0) {
                            elements.add(json.substring(elementStart, i).trim());
                            elementStart = -1;
                        }
                    }
                    default -> {
                        if (!Character.isWhitespace(c) && elementStart < 0) {
                            elementStart = i;
                        }
                    }
                }
            }
            throw new IllegalArgumentException("unterminated array " + field);
        }

        static int intField(String json, String field) {
            int key = json.indexOf("\"" + field + "\"");
            if (key < 0) {
                return 0;
            }
            int i = json.indexOf(':', key) + 1;
            while (Character.isWhitespace(json.charAt(i))) {
                i++;
            }
            int end = i;
            while (end < json.length() && Character.isDigit(json.charAt(end))) {
                end++;
            }
            return Integer.parseInt(json.substring(i, end));
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed or broken: either way it is gone
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        synchronized (listening) {
            closed = true;
            if (server != null) {
                closeQuietly(server);
                server = null;
            }
        }
        open.forEach(FaultProxy::closeQuietly);
    }

    @Override
    public String toString() {
        return "FaultProxy[" + service + " " + endpoint() + " -> " + upstreamHost + ":" + upstreamPort + "]";
    }
}
