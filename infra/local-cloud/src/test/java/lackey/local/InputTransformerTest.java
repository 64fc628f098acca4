package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import lackey.emulators.ProjectLayout;
import lackey.local.template.LocalNames;
import lackey.local.template.RuleDefinition;
import lackey.local.template.RuleTarget;
import lackey.local.template.SamTemplate;
import org.junit.jupiter.api.Test;

class InputTransformerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode event(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static String apply(Map<String, String> paths, String template, String event) throws Exception {
        return new InputTransformer(paths, template).apply(event(event), "my-rule", "arn:aws:events:us-east-1:0:rule/my-rule");
    }

    @Test
    void rendersTheTemplatesDispatchRuleIntoEcsOverridesForTheSampleEvent() throws Exception {
        ProjectLayout layout = ProjectLayout.find();
        SamTemplate template = SamTemplate.read(layout.templateYaml(), LocalNames.local("http://127.0.0.1:8000"));
        RuleTarget target = template.rules().stream().filter(r -> r.logicalId().equals("DispatchRunRule"))
                .map(RuleDefinition::targets).findFirst().orElseThrow().getFirst();
        var definition = target.inputTransformer().orElseThrow();
        JsonNode event = JSON.readTree(Files.readString(layout.root().resolve("events/run-scheduled.json")));

        String input = new InputTransformer(definition.inputPathsMap(), definition.inputTemplate())
                .apply(event, "lackey-dispatch-run", "arn");

        JsonNode container = JSON.readTree(input).path("containerOverrides").path(0);
        assertEquals("simulation", container.path("name").asText());
        assertEquals(JSON.readTree("[\"sh\",\"-c\",\"echo hello\"]"), container.path("command"));
        Map<String, String> environment = new LinkedHashMap<>();
        container.path("environment").forEach(pair -> environment.put(pair.path("name").asText(), pair.path("value").asText()));
        assertEquals("1", environment.get("LACKEY_RUN_ID"));
        assertEquals("99ee72e2-764d-42a9-b3a1-5c38d1647f28", environment.get("LACKEY_RUN_TOKEN"));
        assertEquals(event.path("detail").path("paramsJson").asText(), environment.get("LACKEY_PARAMS"));
        assertEquals(event.path("detail").path("params"), JSON.readTree(environment.get("LACKEY_PARAMS")));
    }

    @Test
    void unquotedStringPlaceholderBecomesAnEscapedJsonString() throws Exception {
        String out = apply(Map.of("c", "$.detail.command"), "{\"command\": <c>}",
                "{\"detail\":{\"command\":\"echo \\\"hi\\\" \\\\ there\"}}");
        assertEquals("echo \"hi\" \\ there", JSON.readTree(out).path("command").asText());
    }

    @Test
    void quotedPlaceholderInsertsTheStringRawInsideTheQuotes() throws Exception {
        String out = apply(Map.of("id", "$.detail.id", "s", "$.detail.state"), "{\"v\": \"run <id> is <s>\"}",
                "{\"detail\":{\"id\":12,\"state\":\"RUNNING\"}}");
        assertEquals("{\"v\": \"run 12 is RUNNING\"}", out);
    }

    @Test
    void unquotedNumbersBooleansAndObjectsStayJson() throws Exception {
        String out = apply(Map.of("n", "$.detail.n", "b", "$.detail.b", "o", "$.detail.o"),
                "{\"n\": <n>, \"b\": <b>, \"o\": <o>}", "{\"detail\":{\"n\":3,\"b\":true,\"o\":{\"k\":[1,2]}}}");
        assertEquals(JSON.readTree("{\"n\":3,\"b\":true,\"o\":{\"k\":[1,2]}}"), JSON.readTree(out));
    }

    @Test
    void plainTextTemplateInsertsValuesAsTheyAre() throws Exception {
        String out = apply(Map.of("instance", "$.detail.instance", "status", "$.detail.status"),
                "<instance> is in state <status>", "{\"detail\":{\"instance\":\"i-1\",\"status\":\"RUNNING\"}}");
        assertEquals("i-1 is in state RUNNING", out);
    }

    @Test
    void missingPathGivesNullOutsideQuotesAndNothingInside() throws Exception {
        String out = apply(Map.of("x", "$.detail.absent"), "{\"a\": <x>, \"b\": \"[<x>]\"}", "{\"detail\":{}}");
        assertEquals("{\"a\": null, \"b\": \"[]\"}", out);
    }

    @Test
    void predefinedVariablesNameTheRuleAndCarryTheEvent() throws Exception {
        String out = apply(Map.of(), "{\"rule\": \"<aws.events.rule-name>\", \"event\": <aws.events.event.json>}",
                "{\"id\":\"e1\",\"detail\":{\"k\":1}}");
        JsonNode node = JSON.readTree(out);
        assertEquals("my-rule", node.path("rule").asText());
        assertEquals(1, node.path("event").path("detail").path("k").asInt());
    }

    @Test
    void angleBracketTextThatIsNoVariableStaysAsWritten() throws Exception {
        assertEquals("<b>bold</b> 1", apply(Map.of("n", "$.n"), "<b>bold</b> <n>", "{\"n\":1}"));
    }

    @Test
    void jsonPathsFollowDotsDashesAndArrayIndexes() throws Exception {
        JsonNode event = event("{\"detail-type\":\"T\",\"resources\":[\"r0\",\"r1\"],\"detail\":{\"a\":{\"b\":[{\"c\":5}]}}}");
        assertEquals("T", InputTransformer.select(event, "$.detail-type").asText());
        assertEquals("r1", InputTransformer.select(event, "$.resources[1]").asText());
        assertEquals(5, InputTransformer.select(event, "$.detail.a.b[0].c").asInt());
        assertEquals(event, InputTransformer.select(event, "$"));
        assertTrue(InputTransformer.select(event, "$.detail.nope.deeper").isMissingNode());
    }
}
