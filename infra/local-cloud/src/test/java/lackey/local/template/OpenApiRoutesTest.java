package lackey.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import lackey.contract.ApiContract;
import org.junit.jupiter.api.Test;

/**
 * The two descriptions of the system agree: openapi.yaml describes exactly the routes template.yaml gives the
 * HTTP API (as the local cloud reads them), no more and no fewer, and leaves unauthenticated exactly the routes
 * template.yaml opens (Authorizer: NONE), every other one taking SigV4 as the template's AWS_IAM default.
 */
class OpenApiRoutesTest {

    private static final ApiContract CONTRACT = ApiContract.ofRepository();

    @Test
    void openapiDescribesExactlyTheTemplatesRoutes() {
        Set<String> template = SamTemplate.read(ProjectFiles.template(), LocalNames.local("http://127.0.0.1:8000")).routes()
                .stream().map(HttpRoute::routeKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> described = CONTRACT.routeKeys();
        assertFalse(template.isEmpty());
        Set<String> undescribed = new TreeSet<>(template);
        undescribed.removeAll(described);
        Set<String> unrouted = new TreeSet<>(described);
        unrouted.removeAll(template);
        assertEquals(Set.of(), undescribed, "routes of template.yaml that " + ApiContract.FILE_NAME + " does not describe");
        assertEquals(Set.of(), unrouted, "operations of " + ApiContract.FILE_NAME + " that template.yaml does not route");
    }

    @Test
    void openapiLeavesUnauthenticatedExactlyTheRoutesTheTemplateOpens() {
        Set<String> open = new TreeSet<>();
        CloudFormationYaml.read(ProjectFiles.template()).path("Resources").forEach(resource ->
                resource.at("/Properties/Events").forEach(event -> {
                    JsonNode properties = event.path("Properties");
                    if (event.path("Type").asText().equals("HttpApi")
                            && properties.at("/Auth/Authorizer").asText().equals("NONE")) {
                        open.add(properties.path("Method").asText().toUpperCase() + " " + properties.path("Path").asText());
                    }
                }));
        JsonNode document = CONTRACT.document();
        assertEquals("awsSigV4", document.path("security").get(0).fieldNames().next(),
                "by default an operation takes SigV4, as template.yaml's DefaultAuthorizer is AWS_IAM");
        assertEquals("awsSigv4", document.at("/components/securitySchemes/awsSigV4/x-amazon-apigateway-authtype").asText());
        Set<String> unauthenticated = new TreeSet<>();
        for (String routeKey : CONTRACT.routeKeys()) {
            String[] parts = routeKey.split(" ", 2);
            JsonNode security = document.path("paths").path(parts[1]).path(parts[0].toLowerCase()).path("security");
            if (security.isArray() && security.isEmpty()) {
                unauthenticated.add(routeKey);
            }
        }
        assertFalse(open.isEmpty());
        assertEquals(open, unauthenticated);
    }
}
