package lackey.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import lackey.aws.RunJson;

/** What a handler answers: API Gateway's payload 2.0 response (status, headers, JSON body). */
record HttpResponse(int statusCode, Map<String, String> headers, JsonNode body) {

    /** The response as API Gateway expects it back from the function. */
    ObjectNode toEvent() {
        ObjectNode event = RunJson.MAPPER.createObjectNode();
        event.put("statusCode", statusCode);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        event.put("body", body.toString());
        event.put("isBase64Encoded", false);
        return event;
    }
}
