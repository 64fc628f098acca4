package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import lackey.local.template.BucketDefinition;
import lackey.local.template.TableDefinition;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates the template's tables in dynalite and its buckets in S3Proxy from their definitions in
 * template.yaml, skipping any that already exist, so data in {@code $LACKEY_HOME} survives a restart.
 */
final class LocalResources {

    private LocalResources() {
    }

    /** The credentials and region every local client uses. */
    record Access(Region region, String accessKey, String secretKey) {

        StaticCredentialsProvider credentials() {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        }
    }

    static DynamoDbClient dynamoDb(URI endpoint, Access access) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(access.region())
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static S3Client s3(URI endpoint, Access access) {
        return S3Client.builder().endpointOverride(endpoint).region(access.region()).forcePathStyle(true)
                .credentialsProvider(access.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Creates each table unless it exists. */
    static void createTables(DynamoDbClient dynamoDb, List<TableDefinition> tables, PrintStream log) {
        for (TableDefinition table : tables) {
            try {
                dynamoDb.describeTable(b -> b.tableName(table.tableName()));
                log.println("[dynamodb] table " + table.tableName() + " exists (" + table.logicalId() + ")");
                continue;
            } catch (ResourceNotFoundException e) {
                // not there yet: create it below
            }
            try {
                dynamoDb.createTable(createTable(table));
                log.println("[dynamodb] table " + table.tableName() + " created from " + table.logicalId());
            } catch (ResourceInUseException e) {
                log.println("[dynamodb] table " + table.tableName() + " exists (" + table.logicalId() + ")");
            }
        }
    }

    /** The CreateTable request for a table's template properties. */
    static CreateTableRequest createTable(TableDefinition table) {
        JsonNode properties = table.properties();
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(table.tableName());
        List<AttributeDefinition> attributes = new ArrayList<>();
        properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        request.attributeDefinitions(attributes).keySchema(keySchema(properties.path("KeySchema")));
        boolean provisioned = properties.path("BillingMode").asText("PROVISIONED").equals("PROVISIONED");
        if (provisioned) {
            request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(properties.path("ProvisionedThroughput")));
        } else {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        }
        List<GlobalSecondaryIndex> global = new ArrayList<>();
        properties.path("GlobalSecondaryIndexes").forEach(index -> {
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asText())
                    .keySchema(keySchema(index.path("KeySchema")))
                    .projection(projection(index.path("Projection")));
            if (provisioned) {
                gsi.provisionedThroughput(throughput(index.path("ProvisionedThroughput")));
            }
            global.add(gsi.build());
        });
        if (!global.isEmpty()) {
            request.globalSecondaryIndexes(global);
        }
        List<LocalSecondaryIndex> local = new ArrayList<>();
        properties.path("LocalSecondaryIndexes").forEach(index -> local.add(LocalSecondaryIndex.builder()
                .indexName(index.path("IndexName").asText())
                .keySchema(keySchema(index.path("KeySchema")))
                .projection(projection(index.path("Projection"))).build()));
        if (!local.isEmpty()) {
            request.localSecondaryIndexes(local);
        }
        return request.build();
    }

    private static List<KeySchemaElement> keySchema(JsonNode keys) {
        List<KeySchemaElement> schema = new ArrayList<>();
        keys.forEach(k -> schema.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return schema;
    }

    private static Projection projection(JsonNode projection) {
        Projection.Builder builder = Projection.builder().projectionType(projection.path("ProjectionType").asText("ALL"));
        List<String> attributes = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(a -> attributes.add(a.asText()));
        if (!attributes.isEmpty()) {
            builder.nonKeyAttributes(attributes);
        }
        return builder.build();
    }

    private static ProvisionedThroughput throughput(JsonNode throughput) {
        return ProvisionedThroughput.builder()
                .readCapacityUnits(throughput.path("ReadCapacityUnits").asLong(5))
                .writeCapacityUnits(throughput.path("WriteCapacityUnits").asLong(5)).build();
    }

    /** Creates each bucket unless it exists. */
    static void createBuckets(S3Client s3, List<BucketDefinition> buckets, PrintStream log) {
        for (BucketDefinition bucket : buckets) {
            try {
                s3.headBucket(b -> b.bucket(bucket.bucketName()));
                log.println("[s3] bucket " + bucket.bucketName() + " exists (" + bucket.logicalId() + ")");
                continue;
            } catch (NoSuchBucketException e) {
                // not there yet
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
            try {
                s3.createBucket(b -> b.bucket(bucket.bucketName()));
                log.println("[s3] bucket " + bucket.bucketName() + " created from " + bucket.logicalId());
            } catch (BucketAlreadyOwnedByYouException e) {
                log.println("[s3] bucket " + bucket.bucketName() + " exists (" + bucket.logicalId() + ")");
            }
        }
    }
}
