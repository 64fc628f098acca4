package lackey.emulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import software.amazon.event.ruler.GenericMachine;

/**
 * A local stand-in for Amazon EventBridge: an HTTP endpoint on 127.0.0.1 that answers
 * {@code PutEvents} as EventBridge does (AWS JSON 1.1), turns each accepted entry into the event
 * EventBridge would deliver, and hands it to the targets of the rules whose patterns match, using
 * AWS's own matching engine (event-ruler).
 *
 * <p>Requests are not authenticated: SigV4 signatures are not checked, because the bus listens on
 * loopback only and exists for one developer's machine; the SDK still signs, and that is harmless.
 */
public final class LocalEventBus implements AutoCloseable {

    /** The bus PutEvents uses when an entry names none. */
    public static final String DEFAULT_BUS = "default";
    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_SIZE_BYTES = 256 * 1024;
    private static final String PUT_EVENTS_TARGET = "AWSEvents.PutEvents";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int DELIVERY_THREADS = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    // Numbers in Detail travel to targets as written: no double rounding, no stripped zeros.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final ExecutorService deliveryThreads;
    private final String region;
    private final String accountId;
    private final Map<String, RuleSet> ruleSetsByBus = new ConcurrentHashMap<>();
    private final List<String> acceptedEvents = new ArrayList<>();
    private final AtomicInteger entriesToFail = new AtomicInteger();
    private final Map<String, AtomicInteger> toDeliverTwice = new ConcurrentHashMap<>();
    private final Object deliveriesLock = new Object();
    private int deliveriesInFlight;

    private LocalEventBus(HttpServer server, ExecutorService requestThreads, String region, String accountId) {
        this.server = server;
        this.requestThreads = requestThreads;
        this.region = region;
        this.accountId = accountId;
        AtomicInteger threadNumber = new AtomicInteger();
        this.deliveryThreads = Executors.newFixedThreadPool(DELIVERY_THREADS, runnable -> Thread.ofPlatform()
                .name("lackey-bus-target-" + threadNumber.incrementAndGet())
                .daemon(true)
                .unstarted(runnable));
    }

    /**
     * Starts the bus's HTTP endpoint on 127.0.0.1.
     *
     * @param port the port, or 0 to pick a free one
     * @param region written into every event's {@code region}
     * @param accountId written into every event's {@code account}
     * @throws PortInUseException when the port is taken
     */
    public static LocalEventBus start(int port, String region, String accountId) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1-65535, not " + port);
        }
        requireNonBlank(region, "region");
        requireNonBlank(accountId, "accountId");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(EmulatorProcess.LOOPBACK, port), 0);
        } catch (BindException e) {
            throw new PortInUseException(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local event bus on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
        LocalEventBus bus = new LocalEventBus(server, requestThreads, region, accountId);
        server.setExecutor(requestThreads);
        server.createContext("/", bus::handle);
        server.start();
        return bus;
    }

    /** Where EventBridge clients send requests, e.g. {@code http://127.0.0.1:4010}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Adds a rule to a bus: every later event on that bus that matches the pattern is handed to the
     * target as the event JSON, on a delivery thread, never on the thread answering PutEvents.
     * Calling it again with the same bus, rule name and pattern adds another target to the rule.
     *
     * @param eventPatternJson an EventBridge event pattern, e.g. {@code {"source":["lackey"]}}
     * @throws IllegalArgumentException when the pattern is not a valid event pattern, or the rule
     *     already exists on that bus with another pattern
     */
    public void addRule(String busName, String ruleName, String eventPatternJson, Consumer<String> target) {
        requireNonBlank(busName, "busName");
        requireNonBlank(ruleName, "ruleName");
        Objects.requireNonNull(eventPatternJson, "eventPatternJson");
        Objects.requireNonNull(target, "target");
        ruleSetsByBus.computeIfAbsent(busName, name -> new RuleSet())
                .add(new Subscription(busName, ruleName, target), eventPatternJson);
    }

    /** Every event accepted so far, in order, as the JSON delivered to targets. */
    public List<String> events() {
        synchronized (acceptedEvents) {
            return List.copyOf(acceptedEvents);
        }
    }

    /**
     * Fault injection for tests of partial failure: the next {@code n} entries PutEvents receives
     * fail with ErrorCode {@code InternalFailure} (counted in FailedEntryCount), valid or not.
     */
    public void failNextEntries(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        entriesToFail.set(n);
    }

    /**
     * Fault injection for tests of at-least-once delivery: the next {@code n} accepted events of this detail-type
     * reach each of their targets twice, as EventBridge may now and then deliver an event more than once.
     */
    public void deliverTwice(String detailType, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        toDeliverTwice.put(detailType, new AtomicInteger(n));
    }

    /**
     * Waits until every delivery to a target started so far has finished.
     *
     * @return false when deliveries were still running after the timeout
     */
    public boolean awaitDeliveries(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (deliveriesLock) {
            while (deliveriesInFlight > 0) {
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    return false;
                }
                deliveriesLock.wait(remainingMillis);
            }
            return true;
        }
    }

    /** Stops answering requests, lets deliveries already started finish (up to a few seconds), and frees the port. */
    @Override
    public void close() {
        server.stop(0);
        requestThreads.shutdown();
        deliveryThreads.shutdown();
        try {
            if (!deliveryThreads.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("lackey bus: deliveries still running after " + DRAIN_TIMEOUT.toSeconds() + " s; interrupting them");
                deliveryThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deliveryThreads.shutdownNow();
        }
    }

    // ---- the HTTP side: AWS JSON 1.1 ----

    private void handle(HttpExchange exchange) {
        try {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
                respondError(exchange, 400, "UnknownOperationException",
                        "the local bus answers POST requests with an X-Amz-Target header only");
                return;
            }
            if (!PUT_EVENTS_TARGET.equals(target)) {
                respondError(exchange, 400, "UnknownOperationException",
                        "the local bus supports " + PUT_EVENTS_TARGET + " only, not " + target);
                return;
            }
            JsonNode request;
            try (InputStream body = exchange.getRequestBody()) {
                request = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                respondError(exchange, 400, "SerializationException", "the request body is not valid JSON");
                return;
            }
            if (request == null || !request.isObject()) {
                respondError(exchange, 400, "SerializationException", "the request body must be a JSON object");
                return;
            }
            try {
                respond(exchange, 200, putEvents(request));
            } catch (RequestValidationException e) {
                respondError(exchange, 400, "ValidationException", e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            // the client sees a 500 or a dropped connection; the cause must not vanish with it
            System.err.println("lackey bus: failed to answer a request");
            e.printStackTrace();
            try {
                respondError(exchange, 500, "InternalException", "the local bus failed: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way
            }
        } finally {
            exchange.close();
        }
    }

    private static void respondError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        respond(exchange, status, body);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---- PutEvents ----

    private ObjectNode putEvents(JsonNode request) {
        JsonNode entries = request.get("Entries");
        if (entries == null || entries.isNull()) {
            throw new RequestValidationException(
                    "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
        }
        if (!entries.isArray()) {
            throw new RequestValidationException("1 validation error detected: Value at 'entries' must be a list");
        }
        if (entries.isEmpty()) {
            throw new RequestValidationException("1 validation error detected: Value '[]' at 'entries' failed to satisfy "
                    + "constraint: Member must have length greater than or equal to 1");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new RequestValidationException("1 validation error detected: Value at 'entries' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ENTRIES);
        }
        if (requestSize(entries) > MAX_REQUEST_SIZE_BYTES) {
            throw new RequestValidationException("Total size of the entries in the request is over the limit.");
        }
        ArrayNode results = JSON.createArrayNode();
        int failed = 0;
        for (JsonNode entry : entries) {
            ObjectNode result = results.addObject();
            String error = putEntry(entry, result);
            if (error != null) {
                failed++;
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return response;
    }

    /** Accepts or refuses one entry, filling in its result; returns the error code, or null when accepted. */
    private String putEntry(JsonNode entry, ObjectNode result) {
        if (entriesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return fail(result, "InternalFailure", "Internal failure (injected by LocalEventBus.failNextEntries).");
        }
        if (!entry.isObject()) {
            return fail(result, "InvalidArgument", "Parameter Entries is not valid. Reason: each entry must be an object.");
        }
        String source = text(entry, "Source");
        String detailType = text(entry, "DetailType");
        String detailText = text(entry, "Detail");
        if (source == null) {
            return fail(result, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (detailType == null) {
            return fail(result, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (detailText == null) {
            return fail(result, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        if (source.startsWith("aws.")) {
            return fail(result, "NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        JsonNode detail;
        try {
            detail = JSON.readTree(detailText);
        } catch (JsonProcessingException e) {
            detail = null;
        }
        if (detail == null || !detail.isObject()) {
            return fail(result, "MalformedDetail", "Detail is malformed.");
        }
        String eventId = accept(busName(text(entry, "EventBusName")), source, detailType, eventTime(entry.get("Time")),
                entry.get("Resources"), detail);
        result.put("EventId", eventId);
        return null;
    }

    /**
     * Puts an event on a bus the way an AWS service does (S3's "Object Created" on the default bus, say):
     * PutEvents refuses {@code aws.*} sources from clients, this does not. The event gets the envelope every
     * event gets and goes to the matching rules' targets.
     *
     * @return the event's id
     */
    public String putServiceEvent(String busName, String source, String detailType, List<String> resources,
                                  String detailJson) {
        requireNonBlank(busName, "busName");
        JsonNode detail;
        try {
            detail = JSON.readTree(detailJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the detail is not JSON: " + e.getOriginalMessage(), e);
        }
        if (detail == null || !detail.isObject()) {
            throw new IllegalArgumentException("the detail must be a JSON object");
        }
        ArrayNode resourceArray = JSON.createArrayNode();
        resources.forEach(resourceArray::add);
        return accept(busName, source, detailType, Instant.now(), resourceArray, detail);
    }

    private String accept(String busName, String source, String detailType, Instant time, JsonNode resources, JsonNode detail) {
        String eventId = UUID.randomUUID().toString();
        String eventJson = eventJson(eventId, source, detailType, time, resources, detail);
        synchronized (acceptedEvents) {
            acceptedEvents.add(eventJson);
        }
        RuleSet rules = ruleSetsByBus.get(busName);
        if (rules != null) {
            AtomicInteger twice = toDeliverTwice.get(detailType);
            int deliveries = twice != null && twice.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 2 : 1;
            for (Subscription subscription : rules.matching(eventJson)) {
                for (int i = 0; i < deliveries; i++) {
                    deliver(subscription, eventId, eventJson);
                }
            }
        }
        return eventId;
    }

    private static String fail(ObjectNode result, String code, String message) {
        result.put("ErrorCode", code);
        result.put("ErrorMessage", message);
        return code;
    }

    /** The event as EventBridge delivers it to targets: these fields, in this order. */
    private String eventJson(String id, String source, String detailType, Instant time, JsonNode resources, JsonNode detail) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", accountId);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        ArrayNode resourceArray = event.putArray("resources");
        if (resources != null && resources.isArray()) {
            resources.forEach(resource -> {
                if (resource.isTextual()) {
                    resourceArray.add(resource.asText());
                }
            });
        }
        event.set("detail", detail);
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    // The SDK sends Time as epoch seconds (a JSON number, perhaps with a fraction); absent means now.
    private static Instant eventTime(JsonNode time) {
        if (time != null && time.isNumber()) {
            BigDecimal seconds = time.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue());
        }
        return Instant.now();
    }

    // EventBusName may be a name or an ARN (arn:aws:events:region:account:event-bus/name).
    private static String busName(String nameOrArn) {
        if (nameOrArn == null) {
            return DEFAULT_BUS;
        }
        int slash = nameOrArn.lastIndexOf('/');
        return nameOrArn.startsWith("arn:") && slash >= 0 ? nameOrArn.substring(slash + 1) : nameOrArn;
    }

    // EventBridge's entry size: Source, DetailType, Detail and Resources in UTF-8, and 14 bytes for a Time.
    private static long requestSize(JsonNode entries) {
        long size = 0;
        for (JsonNode entry : entries) {
            size += utf8Length(text(entry, "Source")) + utf8Length(text(entry, "DetailType")) + utf8Length(text(entry, "Detail"));
            if (entry.has("Time")) {
                size += 14;
            }
            JsonNode resources = entry.get("Resources");
            if (resources != null && resources.isArray()) {
                for (JsonNode resource : resources) {
                    size += utf8Length(resource.asText());
                }
            }
        }
        return size;
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    // ---- delivery ----

    private void deliver(Subscription subscription, String eventId, String eventJson) {
        synchronized (deliveriesLock) {
            deliveriesInFlight++;
        }
        try {
            deliveryThreads.execute(() -> {
                try {
                    subscription.target().accept(eventJson);
                } catch (Throwable t) {
                    System.err.println("lackey bus: target of rule " + subscription.ruleName() + " on bus "
                            + subscription.busName() + " failed on event " + eventId + ":");
                    t.printStackTrace();
                } finally {
                    deliveryFinished();
                }
            });
        } catch (RejectedExecutionException e) {
            deliveryFinished();
            System.err.println("lackey bus: event " + eventId + " not delivered to rule " + subscription.ruleName()
                    + " on bus " + subscription.busName() + ": the bus is closing");
        }
    }

    private void deliveryFinished() {
        synchronized (deliveriesLock) {
            if (--deliveriesInFlight == 0) {
                deliveriesLock.notifyAll();
            }
        }
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** One target of one rule; the machine matches events to these. */
    private record Subscription(String busName, String ruleName, Consumer<String> target) {}

    /** The rules of one bus, compiled into one event-ruler machine. */
    private static final class RuleSet {
        private final GenericMachine<Subscription> machine = GenericMachine.<Subscription>builder().build();
        private final Map<String, String> patternsByRule = new ConcurrentHashMap<>();
        // The machine is thread-safe, but a match running during an add may see the rule half built;
        // the lock rules that out and keeps the pattern check and the add together.
        private final ReadWriteLock lock = new ReentrantReadWriteLock();

        void add(Subscription subscription, String pattern) {
            lock.writeLock().lock();
            try {
                String existing = patternsByRule.get(subscription.ruleName());
                if (existing != null && !existing.equals(pattern)) {
                    throw new IllegalArgumentException("rule " + subscription.ruleName() + " on bus " + subscription.busName()
                            + " already has another pattern: " + existing);
                }
                try {
                    machine.addRule(subscription, pattern);
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("invalid event pattern for rule " + subscription.ruleName()
                            + " on bus " + subscription.busName() + ": " + e.getMessage() + " (pattern: " + pattern + ")", e);
                }
                patternsByRule.put(subscription.ruleName(), pattern);
            } finally {
                lock.writeLock().unlock();
            }
        }

        List<Subscription> matching(String eventJson) {
            lock.readLock().lock();
            try {
                return machine.rulesForJSONEvent(eventJson);
            } catch (Exception e) {
                throw new IllegalStateException("event-ruler could not match event " + eventJson, e);
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /** A request EventBridge refuses as a whole with ValidationException (HTTP 400). */
    private static final class RequestValidationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RequestValidationException(String message) {
            super(message, null, false, false);
        }
    }
}
