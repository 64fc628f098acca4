package lackey.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A function of template.yaml that ships as a custom-runtime package: its logical id, handler, the zip its
 * {@code CodeUri} names, and the settings the training run gives it. Read from the template with SAM's
 * {@code Globals} merged; CloudFormation's short tags ({@code !Ref} …) are kept as plain values, since only
 * literal settings matter here.
 *
 * @param logicalId      the function's logical id
 * @param handler        {@code package.Class::method}
 * @param codeUri        the package, relative to the project root ({@code …/target/<LogicalId>.zip})
 * @param timeoutSeconds {@code Timeout}
 * @param javaToolOptions the {@code JAVA_TOOL_OPTIONS} the template gives it, or ""
 */
public record PackagedFunction(String logicalId, String handler, String codeUri, int timeoutSeconds, String javaToolOptions) {

    /** The runtime of a function that ships as a package of its own, with its JVM inside. */
    public static final String CUSTOM_RUNTIME = "provided.al2023";

    /** The handler's class. */
    public String handlerClass() {
        return handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    }

    /** Every function of the template whose runtime is {@value #CUSTOM_RUNTIME} and whose code is a zip. */
    @SuppressWarnings("unchecked")
    public static List<PackagedFunction> read(Path template) {
        Map<String, Object> root;
        try {
            root = new Yaml(new TaggedValues()).load(Files.readString(template));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) root.getOrDefault("Globals", Map.of()))
                .getOrDefault("Function", Map.of());
        List<PackagedFunction> functions = new ArrayList<>();
        ((Map<String, Object>) root.get("Resources")).forEach((id, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> properties = new LinkedHashMap<>(globals);
            properties.putAll((Map<String, Object>) resource.getOrDefault("Properties", Map.of()));
            Object codeUri = properties.get("CodeUri");
            if (!CUSTOM_RUNTIME.equals(properties.get("Runtime")) || !(codeUri instanceof String zip) || !zip.endsWith(".zip")) {
                return;
            }
            Object environment = ((Map<String, Object>) globals.getOrDefault("Environment", Map.of())).get("Variables");
            Object options = environment instanceof Map<?, ?> variables ? variables.get("JAVA_TOOL_OPTIONS") : null;
            Object own = ((Map<String, Object>) ((Map<String, Object>) resource.getOrDefault("Properties", Map.of()))
                    .getOrDefault("Environment", Map.of())).get("Variables");
            if (own instanceof Map<?, ?> variables && variables.get("JAVA_TOOL_OPTIONS") != null) {
                options = variables.get("JAVA_TOOL_OPTIONS");
            }
            functions.add(new PackagedFunction(id, String.valueOf(properties.get("Handler")), zip,
                    ((Number) properties.getOrDefault("Timeout", 3)).intValue(), options instanceof String text ? text : ""));
        });
        return functions;
    }

    /** The {@code Properties} of one resource of the template, tags kept as plain values. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> resourceProperties(Path template, String logicalId) {
        try {
            Map<String, Object> root = new Yaml(new TaggedValues()).load(Files.readString(template));
            Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) root.get("Resources")).get(logicalId);
            return (Map<String, Object>) resource.get("Properties");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
    }

    /** YAML with CloudFormation's tags: a tagged node becomes its plain value (a string, list or map). */
    private static final class TaggedValues extends SafeConstructor {

        TaggedValues() {
            super(new LoaderOptions());
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return switch (node) {
                        case ScalarNode scalar -> scalar.getValue();
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> null;
                    };
                }
            });
        }
    }
}
