package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import lackey.emulators.ProjectLayout;
import lackey.local.template.FunctionDefinition;
import lackey.local.template.LocalNames;
import lackey.local.template.SamTemplate;
import lackey.local.template.TableDefinition;

/**
 * Prints what template.yaml declares, in forms shell tools take, so scripts (infra/localstack) create
 * the same resources elsewhere without restating them:
 * <ul>
 *   <li>{@code tables}: one {@code aws dynamodb create-table --cli-input-json} document per line;</li>
 *   <li>{@code buckets}, {@code buses}: one name per line;</li>
 *   <li>{@code env}: {@code NAME=value} lines of the LACKEY_* environment every function shares.</li>
 * </ul>
 */
public final class TemplateResources {

    private static final ObjectMapper JSON = new ObjectMapper();
    // The CreateTable fields whose CloudFormation spelling is the API's own.
    private static final List<String> CREATE_TABLE_FIELDS = List.of("AttributeDefinitions", "KeySchema", "BillingMode",
            "ProvisionedThroughput", "GlobalSecondaryIndexes", "LocalSecondaryIndexes");

    private TemplateResources() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TemplateResources tables|buckets|buses|env");
            System.exit(2);
        }
        SamTemplate template = SamTemplate.read(ProjectLayout.find().templateYaml(), LocalNames.local("http://127.0.0.1:8000"));
        switch (args[0]) {
            case "tables" -> template.tables().forEach(table -> System.out.println(createTableInput(table)));
            case "buckets" -> template.buckets().forEach(bucket -> System.out.println(bucket.bucketName()));
            case "buses" -> template.buses().forEach(bus -> System.out.println(bus.name()));
            case "env" -> sharedEnvironment(template.functions()).forEach((name, value) -> System.out.println(name + "=" + value));
            default -> {
                System.err.println("unknown: " + args[0] + " (tables, buckets, buses or env)");
                System.exit(2);
            }
        }
    }

    /** The CreateTable request for a table, as the aws CLI's {@code --cli-input-json} takes it. */
    static String createTableInput(TableDefinition table) {
        ObjectNode input = JSON.createObjectNode().put("TableName", table.tableName());
        for (String field : CREATE_TABLE_FIELDS) {
            JsonNode value = table.properties().get(field);
            if (value != null) {
                input.set(field, value);
            }
        }
        return input.toString();
    }

    /** The LACKEY_* variables with the same value in every function. */
    static Map<String, String> sharedEnvironment(List<FunctionDefinition> functions) {
        if (functions.isEmpty()) {
            return Map.of();
        }
        Map<String, String> shared = new java.util.TreeMap<>();
        functions.getFirst().environment().forEach((name, value) -> {
            if (name.startsWith("LACKEY_") && functions.stream().allMatch(f -> value.equals(f.environment().get(name)))) {
                shared.put(name, value);
            }
        });
        return shared;
    }
}
