package lackey.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lackey.emulators.ProjectLayout;
import lackey.local.template.HttpRoute;
import org.junit.jupiter.api.Test;

class HttpApiEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpRoute START = new HttpRoute("PUT", "/api/run/start/{id}", "StartRunFunction");
    private static final HttpApiEvents.Stage STAGE =
            new HttpApiEvents.Stage("000000000000", "local", "Hc3nKhYsoAMEcMy=", Instant.ofEpochMilli(1369312595412L));

    private static HttpApiEvents.Request seedStart(String contentType, String body) {
        return new HttpApiEvents.Request("PUT", "/api/run/start/1", "",
                List.of(Map.entry("Host", "localhost:8000"), Map.entry("User-Agent", "curl/8.5.0"),
                        Map.entry("Accept", "application/json"), Map.entry("Content-Type", contentType)),
                body.getBytes(StandardCharsets.UTF_8), "127.0.0.1", "HTTP/1.1");
    }

    private static JsonNode event(HttpApiEvents.Request request) {
        return HttpApiEvents.event(request, new HttpApiRoutes.Match(START, Map.of("id", "1")), STAGE);
    }

    @Test
    void seedStartCallBecomesThePayloadOfTheProjectsSampleEvent() throws Exception {
        JsonNode sample = JSON.readTree(Files.readString(ProjectLayout.find().root().resolve("events/start-run.json")));
        JsonNode event = event(seedStart("application/x-www-form-urlencoded", "token=99ee72e2-764d-42a9-b3a1-5c38d1647f28&ts=1369312595"));

        assertEquals(fieldsOf(sample), fieldsOf(event) , "same fields as events/start-run.json (cookies only when sent)");
        assertEquals(fieldsOf(sample.path("requestContext")), fieldsOf(event.path("requestContext")));
        assertEquals(sample.path("body"), event.path("body"));
        assertTrue(event.path("isBase64Encoded").asBoolean());
        assertEquals("2.0", event.path("version").asText());
        assertEquals("PUT /api/run/start/{id}", event.path("routeKey").asText());
        assertEquals("PUT /api/run/start/{id}", event.path("requestContext").path("routeKey").asText());
        assertEquals("/api/run/start/1", event.path("rawPath").asText());
        assertEquals("1", event.path("pathParameters").path("id").asText());
        assertEquals("$default", event.path("requestContext").path("stage").asText());
        assertEquals("23/May/2013:12:36:35 +0000", event.path("requestContext").path("time").asText());
        assertEquals(1369312595412L, event.path("requestContext").path("timeEpoch").asLong());
        JsonNode http = event.path("requestContext").path("http");
        assertEquals("PUT", http.path("method").asText());
        assertEquals("HTTP/1.1", http.path("protocol").asText());
        assertEquals("127.0.0.1", http.path("sourceIp").asText());
        assertEquals("curl/8.5.0", http.path("userAgent").asText());
    }

    private static Set<String> fieldsOf(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        names.remove("cookies");
        return names;
    }

    @Test
    void jsonAndTextBodiesArePassedAsTheyAre() {
        JsonNode json = event(seedStart("application/json; charset=utf-8", "{\"token\":\"t\"}"));
        assertEquals("{\"token\":\"t\"}", json.path("body").asText());
        assertFalse(json.path("isBase64Encoded").asBoolean());
        JsonNode text = event(seedStart("text/plain", "hello"));
        assertEquals("hello", text.path("body").asText());
        assertFalse(text.path("isBase64Encoded").asBoolean());
    }

    @Test
    void otherBodiesAreBase64Encoded() {
        JsonNode event = event(seedStart("application/octet-stream", "\u00e9t\u00e9"));
        assertTrue(event.path("isBase64Encoded").asBoolean());
        assertEquals("\u00e9t\u00e9", new String(Base64.getDecoder().decode(event.path("body").asText()), StandardCharsets.UTF_8));
    }

    @Test
    void aTextBodyThatIsNotUtf8IsBase64EncodedSoItsBytesArriveAsSent() {
        byte[] bytes = {'{', '"', 'n', '"', ':', '"', (byte) 0xFF, (byte) 0xC3, '"', '}'};
        HttpApiEvents.Request request = new HttpApiEvents.Request("POST", "/api/run", "",
                List.of(Map.entry("Content-Type", "application/json")), bytes, "127.0.0.1", "HTTP/1.1");
        JsonNode event = event(request);
        assertTrue(event.path("isBase64Encoded").asBoolean(), "a JSON string would have repaired the bytes");
        assertArrayEquals(bytes, Base64.getDecoder().decode(event.path("body").asText()));
    }

    @Test
    void aMalformedEscapeInTheQueryStringIsLeftForTheFunctionToAnswer() {
        HttpApiEvents.Request request = new HttpApiEvents.Request("GET", "/api/runs", "tag=%ZZ&limit=5%",
                List.of(), new byte[0], "127.0.0.1", "HTTP/1.1");
        JsonNode event = event(request);
        assertEquals("tag=%ZZ&limit=5%", event.path("rawQueryString").asText());
        assertEquals("%ZZ", event.path("queryStringParameters").path("tag").asText());
    }

    @Test
    void requestWithoutBodyHasNoBodyField() {
        JsonNode event = event(seedStart("application/x-www-form-urlencoded", ""));
        assertFalse(event.has("body"));
        assertFalse(event.path("isBase64Encoded").asBoolean());
    }

    @Test
    void headersAreLowerCasedAndRepeatsJoinedWithCommas() {
        HttpApiEvents.Request request = new HttpApiEvents.Request("GET", "/api/run/1", "",
                List.of(Map.entry("X-Thing", "a"), Map.entry("x-thing", "b"), Map.entry("Host", "127.0.0.1:8000")),
                new byte[0], "127.0.0.1", "HTTP/1.1");
        JsonNode headers = event(request).path("headers");
        assertEquals("a,b", headers.path("x-thing").asText());
        assertEquals("127.0.0.1:8000", headers.path("host").asText());
    }

    @Test
    void cookiesMoveFromTheHeadersIntoTheirOwnList() {
        HttpApiEvents.Request request = new HttpApiEvents.Request("GET", "/api/run/1", "",
                List.of(Map.entry("Cookie", "a=1; b=2"), Map.entry("Cookie", "c=3")), new byte[0], "127.0.0.1", "HTTP/1.1");
        JsonNode event = event(request);
        assertEquals(JSON.valueToTree(List.of("a=1", "b=2", "c=3")), event.path("cookies"));
        assertFalse(event.path("headers").has("cookie"));
    }

    @Test
    void queryParametersAreDecodedAndRepeatsJoinedWithCommas() {
        HttpApiEvents.Request request = new HttpApiEvents.Request("GET", "/api/run/1",
                "parameter1=value1&parameter1=value2&parameter2=a%20b", List.of(), new byte[0], "127.0.0.1", "HTTP/1.1");
        JsonNode event = event(request);
        assertEquals("parameter1=value1&parameter1=value2&parameter2=a%20b", event.path("rawQueryString").asText());
        assertEquals("value1,value2", event.path("queryStringParameters").path("parameter1").asText());
        assertEquals("a b", event.path("queryStringParameters").path("parameter2").asText());
    }

    @Test
    void structuredResultGivesStatusHeadersCookiesAndBody() {
        HttpApiEvents.Response response = HttpApiEvents.response(("{\"statusCode\":201,\"headers\":{\"Location\":\"/api/run/1\","
                + "\"Content-Type\":\"application/json\"},\"cookies\":[\"a=1\"],\"body\":\"{\\\"id\\\":1}\","
                + "\"isBase64Encoded\":false}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, response.status());
        assertEquals(List.of("/api/run/1"), response.headers().get("Location"));
        assertEquals(List.of("a=1"), response.headers().get("Set-Cookie"));
        assertEquals("{\"id\":1}", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void base64ResultBodyIsDecoded() {
        String encoded = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        HttpApiEvents.Response response = HttpApiEvents.response(("{\"statusCode\":200,\"body\":\"" + encoded
                + "\",\"isBase64Encoded\":true}").getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {1, 2, 3}, response.body());
    }

    @Test
    void resultWithoutStatusCodeIsA200JsonBody() {
        HttpApiEvents.Response response = HttpApiEvents.response("{\"id\":7}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status());
        assertEquals(List.of("application/json"), response.headers().get("Content-Type"));
        assertEquals("{\"id\":7}", new String(response.body(), StandardCharsets.UTF_8));
    }
}
