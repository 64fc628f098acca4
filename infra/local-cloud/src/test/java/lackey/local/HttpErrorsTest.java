package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode body(HttpApiEvents.Response response) throws Exception {
        return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 408, 411, 413, 414, 417, 426, 431, 500, 501, 505, 418})
    void everyStatusHasACodeAndAMessageInLackeysShape(int status) throws Exception {
        HttpApiEvents.Response response = HttpErrors.answer(status, null);
        JsonNode error = body(response);
        assertEquals(status, response.status());
        assertEquals(java.util.List.of("application/json"), response.headers().get("Content-Type"));
        assertEquals(2, error.size());
        assertTrue(error.path("error").asText().matches("[a-z0-9_]+"), error.toString());
        assertFalse(error.path("message").asText().isBlank());
    }

    @Test
    void jettysReasonIsAddedToTheMessage() throws Exception {
        JsonNode error = body(HttpErrors.refused(400, "Invalid Content-Length Value"));
        assertEquals("bad_request", error.path("error").asText());
        assertTrue(error.path("message").asText().endsWith("(Invalid Content-Length Value)"), error.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.IllegalStateException: boom", "org.eclipse.jetty.io.EofException",
            "NumberFormatException thrown", "line\nbreak", "Bad Request"})
    void reasonThatCouldBeAStacksTextOrSaysNothingMoreIsLeftOut(String reason) throws Exception {
        String message = body(HttpErrors.refused(400, reason)).path("message").asText();
        assertEquals("The request is not well-formed HTTP/1.1", message);
    }

    @Test
    void printableKeepsLogLinesShortAndOnOneLine() {
        assertEquals("-", HttpErrors.printable(null));
        assertEquals("/a?b", HttpErrors.printable("/a\nb"));
        String truncated = HttpErrors.printable("/" + "x".repeat(500));
        assertEquals(201, truncated.length());
        assertTrue(truncated.endsWith("…"));
    }
}
