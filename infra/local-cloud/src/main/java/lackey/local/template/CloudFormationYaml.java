package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CloudFormation (or SAM) template written in YAML into the JSON tree CloudFormation itself
 * works on: short tags become their long forms ({@code !Ref X} is {@code {"Ref": "X"}},
 * {@code !GetAtt A.B} is {@code {"Fn::GetAtt": ["A", "B"]}}, {@code !Sub s} is {@code {"Fn::Sub": s}} …),
 * and scalars keep their YAML types (integers, booleans, strings).
 *
 * <p>The local cloud uses it to read routes, handlers, environment, table definitions and rules from
 * {@code template.yaml}; the template tests use it to validate that file against the SAM schema.
 */
public final class CloudFormationYaml {

    /** Short tags whose long form is {@code {"Fn::<name>": argument}}, the argument taken as written. */
    private static final List<String> FUNCTIONS = List.of(
            "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
            "Transform", "Length", "ToJsonString",
            "And", "Equals", "If", "Not", "Or");

    private CloudFormationYaml() {
    }

    /**
     * Reads a template file.
     *
     * @param templateFile a YAML CloudFormation or SAM template
     * @return the template as a JSON tree with every short tag in its long form; an object node
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException if the file is not YAML, uses an unknown tag, repeats a key,
     *                                  or is not a mapping at the top; the message names the file
     */
    public static JsonNode read(Path templateFile) {
        String text;
        try {
            text = Files.readString(templateFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + templateFile, e);
        }
        JsonNode template;
        try {
            template = parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(templateFile + ": " + e.getMessage(), e);
        }
        if (!template.isObject()) {
            throw new IllegalArgumentException(templateFile + ": a template is a YAML mapping, not " + template.getNodeType());
        }
        return template;
    }

    /**
     * Parses YAML text the way {@link #read(Path)} does, without requiring a mapping at the top.
     *
     * @param yaml one YAML document
     * @return its JSON tree; a null node for an empty document
     * @throws IllegalArgumentException if the text is not YAML, uses an unknown tag or repeats a key
     */
    public static JsonNode parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        // CloudFormation rejects a template that repeats a key; silently keeping the last would hide mistakes.
        options.setAllowDuplicateKeys(false);
        Yaml parser = new Yaml(new IntrinsicFunctionConstructor(options));
        try {
            return toJson(parser.load(yaml));
        } catch (YAMLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static JsonNode toJson(Object value) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (value) {
            case null -> json.nullNode();
            case String s -> json.textNode(s);
            case Boolean b -> json.booleanNode(b);
            case Integer i -> json.numberNode(i);
            case Long l -> json.numberNode(l);
            case BigInteger b -> json.numberNode(b);
            case Double d -> json.numberNode(d);
            case byte[] bytes -> json.binaryNode(bytes);
            case Map<?, ?> map -> {
                ObjectNode object = json.objectNode();
                map.forEach((key, item) -> object.set(String.valueOf(key), toJson(item)));
                yield object;
            }
            // Lists, and the sets of YAML's !!set, both become arrays.
            case Collection<?> items -> {
                ArrayNode array = json.arrayNode();
                items.forEach(item -> array.add(toJson(item)));
                yield array;
            }
            default -> throw new IllegalArgumentException(
                    "unsupported YAML value of type " + value.getClass().getName() + ": " + value);
        };
    }

    /** SnakeYAML's safe constructor plus CloudFormation's short tags; dates stay the text they were written as. */
    private static final class IntrinsicFunctionConstructor extends SafeConstructor {

        IntrinsicFunctionConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
            }
            // YAML 1.1 reads 2012-10-17 as a timestamp; CloudFormation keeps it a string (policy Version).
            yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return constructScalar((ScalarNode) node);
                }
            });
        }

        /** The argument of a short tag, as written: a scalar stays text, a sequence or mapping is built as usual. */
        private Object argument(Node node) {
            return switch (node) {
                case ScalarNode scalar -> constructScalar(scalar);
                case SequenceNode sequence -> constructSequence(sequence);
                case MappingNode mapping -> constructMapping(mapping);
                default -> throw new YAMLException("unexpected YAML node " + node.getNodeId() + " at " + node.getStartMark());
            };
        }

        private static Map<Object, Object> single(String key, Object argument) {
            Map<Object, Object> longForm = new LinkedHashMap<>();
            longForm.put(key, argument);
            return longForm;
        }

        /** {@code !Name argument} becomes {@code {"<key>": argument}}. */
        private final class LongForm extends AbstractConstruct {
            private final String key;

            LongForm(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                return single(key, argument(node));
            }
        }

        /**
         * {@code !GetAtt Resource.Attribute} becomes {@code {"Fn::GetAtt": ["Resource", "Attribute"]}}. The split is
         * at the first dot because attribute names may hold dots ({@code Endpoint.Address}) and logical ids never do.
         */
        private final class GetAtt extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                if (node instanceof ScalarNode scalar) {
                    String reference = constructScalar(scalar);
                    int dot = reference.indexOf('.');
                    if (dot <= 0 || dot == reference.length() - 1) {
                        throw new YAMLException("!GetAtt needs Resource.Attribute, got '" + reference
                                + "' at " + node.getStartMark());
                    }
                    return single("Fn::GetAtt", List.of(reference.substring(0, dot), reference.substring(dot + 1)));
                }
                return single("Fn::GetAtt", argument(node));
            }
        }
    }
}
