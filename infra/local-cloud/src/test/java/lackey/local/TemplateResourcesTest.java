package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import lackey.emulators.ProjectLayout;
import lackey.local.template.LocalNames;
import lackey.local.template.SamTemplate;
import org.junit.jupiter.api.Test;

class TemplateResourcesTest {

    private static final SamTemplate TEMPLATE =
            SamTemplate.read(ProjectLayout.find().templateYaml(), LocalNames.local("http://127.0.0.1:8000"));

    @Test
    void createTableInputCarriesTheTemplatesKeysInTheApisSpelling() throws Exception {
        JsonNode input = new ObjectMapper().readTree(TemplateResources.createTableInput(TEMPLATE.tables().getFirst()));
        assertEquals("lackey-runs", input.path("TableName").asText());
        assertEquals("HASH", input.path("KeySchema").path(0).path("KeyType").asText());
        assertFalse(input.has("SSESpecification"), "CloudFormation-only spellings stay out");
    }

    @Test
    void sharedEnvironmentIsTheLackeyVariablesOfEveryFunction() {
        Map<String, String> shared = TemplateResources.sharedEnvironment(TEMPLATE.functions());
        assertEquals(Map.of("LACKEY_TABLE", "lackey-runs", "LACKEY_BUCKET", "lackey-runs", "LACKEY_BUS", "lackey",
                "LACKEY_CLUSTER", "lackey-simulation"), shared);
    }
}
