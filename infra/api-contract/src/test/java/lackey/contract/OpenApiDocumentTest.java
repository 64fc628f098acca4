package lackey.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * openapi.yaml is a valid OpenAPI 3.1 document: it satisfies the official OpenAPI 3.1 JSON Schema (the
 * variant that also checks every Schema Object against the OpenAPI dialect of JSON Schema 2020-12), and
 * the rules that schema cannot express hold too (every $ref resolves, every path template's parameters are
 * declared, operation ids are unique). Broken copies show that each check bites.
 */
class OpenApiDocumentTest {

    /**
     * The official schema, by its $id. The resources come from io.vertx:vertx-openapi (test scope), which
     * ships them under the path of their $id; they are mapped here so that nothing is fetched from the web.
     */
    private static final String OAS_31_SCHEMA = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
    private static final JsonSchema OAS_31 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                    builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://spec.openapis.org/",
                            "classpath:spec.openapis.org/")))
            .getSchema(SchemaLocation.of(OAS_31_SCHEMA));
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final JsonNode document = ApiContract.ofRepository().document();

    @Test
    void openapiYamlIsAValidOpenApi31Document() {
        assertTrue(document.path("openapi").asText().startsWith("3.1."), "an OpenAPI 3.1.x document");
        List<String> problems = problems(document);
        assertTrue(problems.isEmpty(), () -> ApiContract.FILE_NAME + " is not valid OpenAPI 3.1:\n  " + String.join("\n  ", problems));
    }

    @Test
    void everyOperationSaysWhoMayCallIt() {
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (!METHODS.contains(operation.getKey())) {
                return;
            }
            String name = operation.getKey().toUpperCase() + " " + path.getKey();
            JsonNode op = operation.getValue();
            assertTrue(op.hasNonNull("operationId") && op.hasNonNull("summary") && op.hasNonNull("description"),
                    name + " needs an operationId, a summary and a description for its readers");
            assertEquals(1, op.path("tags").size(), name + " is tagged operator or simulation");
            boolean simulation = op.path("tags").get(0).asText().equals("simulation");
            JsonNode security = op.path("security");
            assertEquals(simulation, security.isArray() && security.isEmpty(),
                    name + ": simulation routes are unauthenticated (security: []), operator routes use the default SigV4");
        }));
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                Arguments.of("no info", "required property 'info'", (Consumer<ObjectNode>) d -> d.remove("info")),
                Arguments.of("openapi 3.0 keyword exclusiveMinimum as a boolean", "RunId.exclusiveMinimum", (Consumer<ObjectNode>) d ->
                        schemas(d).with("RunId").put("exclusiveMinimum", true)),
                Arguments.of("a misspelt schema type", "RunId.type", (Consumer<ObjectNode>) d ->
                        schemas(d).with("RunId").put("type", "integr")),
                Arguments.of("a response without its description", "required property 'description'", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/paths/~1api~1run~1{id}/get/responses/200")).remove("description")),
                Arguments.of("a status that is not one", "property '20'", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/paths/~1api~1run~1{id}/get/responses")).set("20", d.at("/paths/~1api~1run~1{id}/get/responses/200"))),
                Arguments.of("an unknown field on an operation", "property 'summery'", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/paths/~1api~1run~1{id}/get")).put("summery", "typo")),
                Arguments.of("a security scheme of no known type", "awsSigV4.type", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/components/securitySchemes/awsSigV4")).put("type", "sigv4")),
                Arguments.of("a $ref to a schema that is not there", "RunIdentifier names nothing", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/components/schemas/Run/properties/id")).put("$ref", "#/components/schemas/RunIdentifier")),
                Arguments.of("a path parameter that is not declared", "declares path parameters [] for the template's [id]", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/paths/~1api~1run~1{id}/get")).putArray("parameters")),
                Arguments.of("two operations with one id", "operationId listRuns is used twice", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.at("/paths/~1api~1run~1{id}/get")).put("operationId", "listRuns")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void aBrokenCopyIsRefused(String mistake, String expected, Consumer<ObjectNode> breakIt) {
        ObjectNode broken = document.deepCopy();
        breakIt.accept(broken);
        List<String> found = problems(broken);
        assertTrue(found.stream().anyMatch(problem -> problem.contains(expected)),
                () -> "a copy with " + mistake + " was not refused for it; problems: " + found);
    }

    /** Everything wrong with a document, by the official schema and by the rules it cannot express. */
    static List<String> problems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        OAS_31.validate(document).forEach(message -> problems.add(message.getMessage()));
        references(document, document, "", problems);
        pathParameters(document, problems);
        Set<String> ids = new HashSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            String id = operation.getValue().path("operationId").asText(null);
            if (METHODS.contains(operation.getKey()) && id != null && !ids.add(id)) {
                problems.add("operationId " + id + " is used twice");
            }
        }));
        return problems;
    }

    private static void references(JsonNode document, JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String target = ref.asText();
                if (!target.startsWith("#/")) {
                    problems.add(at + ": $ref " + target + " is not local to the document");
                } else if (document.at(target.substring(1)).isMissingNode()) {
                    problems.add(at + ": $ref " + target + " names nothing");
                }
            }
            node.properties().forEach(entry -> references(document, entry.getValue(), at + "/" + entry.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                references(document, node.get(i), at + "/" + i, problems);
            }
        }
    }

    private static void pathParameters(JsonNode document, List<String> problems) {
        document.path("paths").properties().forEach(path -> {
            Set<String> templated = new HashSet<>();
            Matcher matcher = TEMPLATE_PARAMETER.matcher(path.getKey());
            while (matcher.find()) {
                templated.add(matcher.group(1));
            }
            path.getValue().properties().forEach(operation -> {
                if (!METHODS.contains(operation.getKey())) {
                    return;
                }
                Set<String> declared = new HashSet<>();
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                operation.getValue().path("parameters").forEach(parameters::add);
                for (JsonNode parameter : parameters) {
                    JsonNode resolved = parameter.has("$ref") ? document.at(parameter.get("$ref").asText().substring(1)) : parameter;
                    if (resolved.path("in").asText().equals("path")) {
                        declared.add(resolved.path("name").asText());
                    }
                }
                if (!declared.equals(templated)) {
                    problems.add(operation.getKey().toUpperCase() + " " + path.getKey() + " declares path parameters "
                            + declared + " for the template's " + templated);
                }
            });
        });
    }

    private static ObjectNode schemas(ObjectNode document) {
        return (ObjectNode) document.at("/components/schemas");
    }
}
