package lackey.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lackey.emulators.Dynalite;
import lackey.emulators.LocalEventBus;
import lackey.emulators.S3ProxyServer;
import lackey.run.RunCatalog;
import lackey.run.RunLifecycle;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The emulators the adapter and handler tests talk to over the wire: dynalite, S3Proxy and the local
 * bus, started once per test JVM and stopped when it exits. Clients find them the way the functions do
 * in any environment, through the SDK's standard endpoint settings (here its system properties).
 */
public final class LocalAws {

    public static final String TABLE = "lackey-runs-test";
    public static final String BUCKET = "lackey-runs-test";
    public static final String BUS = "lackey";
    public static final Region REGION = Region.US_EAST_1;

    private static LocalAws instance;

    public final Dynalite dynalite;
    public final S3ProxyServer s3proxy;
    public final LocalEventBus bus;
    public final StaticCredentialsProvider credentials;
    public final DynamoDbClient dynamo;
    public final S3Client s3;
    /** Every event the bus delivered to the catch-all test rule. */
    public final List<String> delivered = new CopyOnWriteArrayList<>();

    private LocalAws() {
        try {
            Path s3Home = Files.createTempDirectory("lackey-s3-");
            dynalite = Dynalite.start(null, 0);
            s3proxy = S3ProxyServer.start(s3Home, 0, "lackey-test", "lackey-test-secret");
            bus = LocalEventBus.start(0, REGION.id(), "000000000000");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        System.setProperty("aws.endpointUrlDynamoDb", dynalite.endpoint().toString());
        System.setProperty("aws.endpointUrlS3", s3proxy.endpoint().toString());
        System.setProperty("aws.endpointUrlEventBridge", bus.endpoint().toString());
        credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("lackey-test", "lackey-test-secret"));
        dynamo = DynamoDbClient.builder().region(REGION).credentialsProvider(credentials).build();
        s3 = S3Client.builder().region(REGION).credentialsProvider(credentials).build();
        dynamo.createTable(create -> create.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.N).build(),
                        AttributeDefinition.builder().attributeName("liveShard").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("deadline").attributeType(ScalarAttributeType.N).build(),
                        AttributeDefinition.builder().attributeName("listShard").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("statusShard").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("listOrder").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("awaitKey").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("RunsByDeadline")
                        .keySchema(KeySchemaElement.builder().attributeName("liveShard").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("deadline").keyType(KeyType.RANGE).build())
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build(),
                        // the listing indexes, as template.yaml declares them
                        listingIndex("RunsByTime", "listShard"),
                        listingIndex("RunsByStatus", "statusShard"),
                        // runs waiting for another run's output, as template.yaml declares it
                        GlobalSecondaryIndex.builder().indexName("RunsByAwaitedFile")
                                .keySchema(KeySchemaElement.builder().attributeName("awaitKey").keyType(KeyType.HASH).build())
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                .build()));
        s3.createBucket(create -> create.bucket(BUCKET));
        bus.addRule(BUS, "everything-from-lackey", "{\"source\":[\"lackey\"]}", delivered::add);
    }

    private static GlobalSecondaryIndex listingIndex(String name, String shardKey) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(shardKey).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("listOrder").keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    public static synchronized LocalAws get() {
        if (instance == null) {
            instance = new LocalAws();
        }
        return instance;
    }

    public Config config() {
        return new Config(TABLE, BUCKET, BUS, REGION);
    }

    /** A catalog wired exactly as in the listing function's container, with test credentials. */
    public RunCatalog catalog() {
        return AwsRuns.catalog(config(), credentials);
    }

    /** A lifecycle wired exactly as in a Lambda container, with test credentials. */
    public RunLifecycle lifecycle() {
        return AwsRuns.lifecycle(config(), credentials);
    }

    /** The same, on a clock the test moves. */
    public RunLifecycle lifecycle(java.time.Clock clock) {
        return AwsRuns.lifecycle(config(), credentials, clock);
    }

    private void close() {
        bus.close();
        s3proxy.close();
        dynalite.close();
    }
}
