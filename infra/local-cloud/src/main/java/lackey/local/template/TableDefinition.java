package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An {@code AWS::DynamoDB::Table} of template.yaml with its local name.
 *
 * @param logicalId  the logical id
 * @param tableName  the local physical name
 * @param properties the resolved {@code Properties} (AttributeDefinitions, KeySchema, indexes, BillingMode …)
 */
public record TableDefinition(String logicalId, String tableName, JsonNode properties) {
}
