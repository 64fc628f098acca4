package lackey.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The API description, openapi.yaml, as a judge of real answers: given a request's method and path and the
 * response's status, headers and body, it finds the operation and checks that the status is one it
 * documents, that the documented headers are there and well-formed, and that the body has the documented
 * content type and satisfies the response's schema (JSON Schema 2020-12, OpenAPI 3.1 dialect). Anything
 * else is a {@link ContractViolation}. The handler and end-to-end tests call it on every answer they get.
 */
public final class ApiContract {

    /** Where openapi.yaml lives in the repository: at its root, beside template.yaml. */
    public static final String FILE_NAME = "openapi.yaml";

    // The document's schemas are loaded from memory under this name; it appears in validation messages.
    private static final String DOCUMENT_IRI = "https://lackey.invalid/openapi.yaml";
    private static final ObjectMapper YAML = new YAMLMapper();
    /** Strict JSON: a duplicate key or trailing content is not a JSON body, whatever a lenient parser makes of it. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final AtomicLong CHECKED = new AtomicLong();
    private static volatile ApiContract repositoryContract;

    private final Path file;
    private final JsonNode document;
    private final JsonSchemaFactory schemas;
    private final SchemaValidatorsConfig config;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private ApiContract(Path file, JsonNode document) {
        this.file = file;
        this.document = document;
        String json;
        try {
            json = JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-serialise " + file, e);
        }
        this.schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .metaSchema(OpenApi31.getInstance())
                .defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_IRI, json))));
        this.config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    }

    /** The repository's openapi.yaml, read once per JVM: the nearest one at or above the working directory. */
    public static ApiContract ofRepository() {
        ApiContract contract = repositoryContract;
        if (contract == null) {
            synchronized (ApiContract.class) {
                if (repositoryContract == null) {
                    repositoryContract = load(find());
                }
                contract = repositoryContract;
            }
        }
        return contract;
    }

    /** A description read from the given file. */
    public static ApiContract load(Path file) {
        try {
            return new ApiContract(file, YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** How many responses {@link #check} has accepted in this JVM, over every contract. */
    public static long checkedResponses() {
        return CHECKED.get();
    }

    /** The repository's openapi.yaml: the nearest one at or above the working directory. */
    public static Path find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path folder = start; folder != null; folder = folder.getParent()) {
            Path candidate = folder.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate) && Files.isRegularFile(folder.resolve("template.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + FILE_NAME + " beside a template.yaml in " + start + " or above it");
    }

    public Path file() {
        return file;
    }

    /** The document itself, as read. */
    public JsonNode document() {
        return document;
    }

    /** Every operation the document describes, as API Gateway route keys: {@code "PUT /api/run/start/{id}"}. */
    public Set<String> routeKeys() {
        Set<String> keys = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(item -> {
            if (METHODS.contains(item.getKey())) {
                keys.add(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return keys;
    }

    /**
     * Checks one answer of the API.
     *
     * @param method  the request's method, e.g. {@code PUT}
     * @param path    the request's path as sent, e.g. {@code /api/run/start/7}; a query string is ignored
     * @param status  the response's status
     * @param headers the response's headers, names in any case
     * @param body    the response's body as text ({@code ""} for none), or null where the caller could not see
     *                it (curl following a redirect): then only status and headers are checked
     * @throws ContractViolation when the answer is not one the description allows
     */
    public void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        String where = method + " " + path + " → " + status;
        Operation operation = operation(method, path)
                .orElseThrow(() -> new ContractViolation(where + ": " + FILE_NAME + " describes no operation "
                        + method + " " + withoutQuery(path)));
        Located response = operation.response(status)
                .orElseThrow(() -> new ContractViolation(where + ": " + operation.routeKey() + " documents no status "
                        + status + " (it documents " + operation.statuses() + ")" + bodyNote(body)));
        Map<String, List<String>> byName = new LinkedHashMap<>();
        headers.forEach((name, values) -> byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        List<String> problems = new ArrayList<>();
        checkHeaders(response, byName, problems);
        if (body != null) {
            checkBody(response, byName, body, problems);
        }
        if (!problems.isEmpty()) {
            throw new ContractViolation(where + " (" + operation.routeKey() + ") breaks " + FILE_NAME + ":\n  - "
                    + String.join("\n  - ", problems) + bodyNote(body));
        }
        CHECKED.incrementAndGet();
    }

    private void checkHeaders(Located response, Map<String, List<String>> headers, List<String> problems) {
        response.node().path("headers").properties().forEach(entry -> {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type")) {
                return; // OpenAPI ignores a Content-Type header definition: content says it
            }
            Located header = resolve(entry.getValue(), response.pointer() + "/headers/" + escape(entry.getKey()));
            List<String> values = headers.getOrDefault(name, List.of());
            if (values.isEmpty()) {
                if (header.node().path("required").asBoolean(false)) {
                    problems.add("the required header " + entry.getKey() + " is missing");
                }
                return;
            }
            if (values.size() > 1) {
                problems.add("header " + entry.getKey() + " is sent " + values.size() + " times: " + values);
            }
            if (header.node().has("schema")) {
                for (ValidationMessage message : schema(header.pointer() + "/schema").validate(TextNode.valueOf(values.getFirst()))) {
                    problems.add("header " + entry.getKey() + " '" + values.getFirst() + "': " + message.getMessage());
                }
            }
        });
    }

    private void checkBody(Located response, Map<String, List<String>> headers, String body, List<String> problems) {
        JsonNode content = response.node().path("content");
        Optional<String> contentType = Optional.ofNullable(headers.get("content-type")).map(List::getFirst);
        if (content.isEmpty()) {
            if (!body.isEmpty()) {
                problems.add("a body is sent where none is documented: " + abbreviate(body));
            }
            return;
        }
        if (contentType.isEmpty()) {
            problems.add("no content-type; documented are " + names(content));
            return;
        }
        String mediaType = mediaType(contentType.get());
        Optional<String> documented = names(content).stream().filter(key -> mediaType(key).equals(mediaType)).findFirst();
        if (documented.isEmpty()) {
            problems.add("content-type " + contentType.get() + " is not documented; documented are " + names(content));
            return;
        }
        String mediaPointer = response.pointer() + "/content/" + escape(documented.get());
        if (!content.path(documented.get()).has("schema")) {
            return;
        }
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            problems.add("only JSON bodies can be checked here, this one is " + mediaType);
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            problems.add("the body is not JSON: " + e.getOriginalMessage());
            return;
        }
        if (json == null || json.isMissingNode()) {
            problems.add("the body is empty where " + documented.get() + " is documented");
            return;
        }
        for (ValidationMessage message : schema(mediaPointer + "/schema").validate(json)) {
            problems.add(message.getMessage());
        }
    }

    private JsonSchema schema(String pointer) {
        return compiled.computeIfAbsent(pointer, p -> schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p), config));
    }

    // ---------------------------------------------------------------- finding the operation

    private Optional<Operation> operation(String method, String path) {
        String[] segments = segments(withoutQuery(path));
        String best = null;
        int bestLiterals = -1;
        for (var entry : document.path("paths").properties()) {
            String template = entry.getKey();
            String[] parts = segments(template);
            if (parts.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                } else {
                    matches = parts[i].equals(segments[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = template;
                bestLiterals = literals;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String lower = method.toLowerCase(Locale.ROOT);
        JsonNode node = document.path("paths").path(best).path(lower);
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Operation(method.toUpperCase(Locale.ROOT) + " " + best, node,
                "/paths/" + escape(best) + "/" + lower));
    }

    private record Located(JsonNode node, String pointer) {
    }

    private final class Operation {
        private final String routeKey;
        private final JsonNode node;
        private final String pointer;

        Operation(String routeKey, JsonNode node, String pointer) {
            this.routeKey = routeKey;
            this.node = node;
            this.pointer = pointer;
        }

        String routeKey() {
            return routeKey;
        }

        List<String> statuses() {
            List<String> statuses = new ArrayList<>();
            node.path("responses").fieldNames().forEachRemaining(statuses::add);
            return statuses;
        }

        /** The documented response for a status: exact, then its range (4XX), then default. */
        Optional<Located> response(int status) {
            JsonNode responses = node.path("responses");
            for (String key : List.of(Integer.toString(status), (status / 100) + "XX", "default")) {
                if (responses.has(key)) {
                    return Optional.of(resolve(responses.get(key), pointer + "/responses/" + key));
                }
            }
            return Optional.empty();
        }
    }

    /** Follows a local {@code $ref} (responses, headers) to what it names, keeping its JSON pointer. */
    private Located resolve(JsonNode node, String pointer) {
        int hops = 0;
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/") || ++hops > 10) {
                throw new ContractViolation(FILE_NAME + ": cannot follow $ref '" + ref + "' at " + pointer);
            }
            pointer = ref.substring(1);
            node = document.at(pointer);
            if (node.isMissingNode()) {
                throw new ContractViolation(FILE_NAME + ": $ref '" + ref + "' names nothing");
            }
        }
        return new Located(node, pointer);
    }

    // ---------------------------------------------------------------- small things

    private static String[] segments(String path) {
        return path.replaceAll("^/+", "").split("/", -1);
    }

    private static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** JSON pointer escaping of one reference token (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String bodyNote(String body) {
        return body == null ? "" : "\n  body: " + abbreviate(body);
    }

    private static String abbreviate(String text) {
        String oneLine = text.lines().collect(Collectors.joining(" "));
        return oneLine.length() <= 2000 ? oneLine : oneLine.substring(0, 2000) + "…";
    }
}
