package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an HTTP request into the event API Gateway's HTTP API sends a Lambda integration (payload
 * format 2.0, shaped as the HTTP API samples in events/, e.g. events/start-run.json), and a function's
 * result back into the HTTP response, with HTTP API's rules for both.
 */
final class HttpApiEvents {

    /** HTTP API's payload quota. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private HttpApiEvents() {
    }

    /**
     * A request as it arrived.
     *
     * @param method   HTTP method
     * @param rawPath  path as sent, percent-encoding kept
     * @param rawQuery query string as sent, without {@code ?}; empty when none
     * @param headers  header lines in order, names as sent
     * @param body     the body bytes (empty when none)
     * @param sourceIp the client's address
     * @param protocol e.g. {@code HTTP/1.1}
     */
    record Request(String method, String rawPath, String rawQuery, List<Map.Entry<String, String>> headers,
                   byte[] body, String sourceIp, String protocol) {
    }

    /**
     * Where the API runs and who handled the request.
     *
     * @param accountId the account id
     * @param apiId     the API's id
     * @param requestId API Gateway's request id
     * @param time      when the request arrived
     */
    record Stage(String accountId, String apiId, String requestId, Instant time) {
    }

    /** The payload 2.0 event for {@code request} matched to {@code match}. */
    static ObjectNode event(Request request, HttpApiRoutes.Match match, Stage stage) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                // payload 2.0 moves cookies out of the headers into their own list
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
                continue;
            }
            headers.merge(name, header.getValue(), (a, b) -> a + "," + b);
        }
        headers.putIfAbsent("x-forwarded-for", request.sourceIp());
        headers.putIfAbsent("x-forwarded-proto", "http");
        String host = headers.getOrDefault("host", "127.0.0.1");
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            headers.putIfAbsent("x-forwarded-port", host.substring(colon + 1));
        }

        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey().equals("ANY $default") ? "$default" : match.route().routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery());
        if (!cookies.isEmpty()) {
            ArrayNode list = event.putArray("cookies");
            cookies.forEach(list::add);
        }
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        Map<String, String> query = queryParameters(request.rawQuery());
        if (!query.isEmpty()) {
            ObjectNode queryNode = event.putObject("queryStringParameters");
            query.forEach(queryNode::put);
        }

        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", stage.accountId());
        context.put("apiId", stage.apiId());
        context.put("domainName", host);
        int dot = host.indexOf('.');
        context.put("domainPrefix", dot < 0 ? host : host.substring(0, dot));
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", stage.requestId());
        context.put("routeKey", event.get("routeKey").asText());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(stage.time()));
        context.put("timeEpoch", stage.time().toEpochMilli());

        boolean hasBody = request.body().length > 0;
        // A text body travels as a JSON string, which holds text only: bytes that are not UTF-8 would arrive
        // repaired (U+FFFD), so they go base64-encoded, and the function sees what the client sent.
        boolean text = isText(headers.get("content-type")) && isUtf8(request.body());
        if (hasBody) {
            event.put("body", text ? new String(request.body(), StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(request.body()));
        }
        if (!match.pathParameters().isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            match.pathParameters().forEach(parameters::put);
        }
        event.put("isBase64Encoded", hasBody && !text);
        return event;
    }

    // HTTP API passes JSON and text/* bodies as they are and base64-encodes everything else.
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json");
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Query parameters with values decoded; a repeated name's values joined with commas, as payload 2.0 does. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodedOrRaw(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodedOrRaw(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    // A malformed %-escape stays as sent: the function reads rawQueryString and answers it, not the gateway.
    private static String decodedOrRaw(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /**
     * An HTTP response to send.
     *
     * @param status  status code
     * @param headers header name to value(s)
     * @param body    body bytes
     */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {

        static Response json(int status, String error, String message) {
            ObjectNode node = JSON.createObjectNode().put("error", error).put("message", message);
            return new Response(status, Map.of("Content-Type", List.of("application/json")),
                    node.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The HTTP response for a function's result, read as payload 2.0 does: an object with
     * {@code statusCode} gives status, headers, cookies and body (base64-decoded when
     * {@code isBase64Encoded}); any other JSON is a 200 {@code application/json} body.
     */
    static Response response(byte[] result) {
        JsonNode node;
        try {
            node = JSON.readTree(result);
        } catch (Exception e) {
            return Response.json(502, "bad_gateway", "The function returned something that is not JSON");
        }
        if (node == null || !node.isObject() || !node.has("statusCode")) {
            return new Response(200, Map.of("Content-Type", List.of("application/json")), result);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        node.path("headers").properties().forEach(header -> {
            if (!header.getValue().isNull()) {
                headers.computeIfAbsent(header.getKey(), k -> new ArrayList<>()).add(header.getValue().asText());
            }
        });
        node.path("multiValueHeaders").properties().forEach(header -> header.getValue().forEach(value ->
                headers.computeIfAbsent(header.getKey(), k -> new ArrayList<>()).add(value.asText())));
        node.path("cookies").forEach(cookie -> headers.computeIfAbsent("Set-Cookie", k -> new ArrayList<>())
                .add(cookie.asText()));
        JsonNode body = node.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (node.path("isBase64Encoded").asBoolean(false)) {
            bytes = Base64.getDecoder().decode(body.asText());
        } else {
            bytes = body.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new Response(node.path("statusCode").asInt(200), headers, bytes);
    }
}
