package lackey.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lackey.emulators.Dynalite;
import lackey.emulators.FaultProxy;
import lackey.emulators.LocalEventBus;
import lackey.emulators.MotoServer;
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
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The emulators the adapter and handler tests talk to over the wire, started once per test JVM and stopped when
 * it exits: dynalite, S3Proxy and the local bus ({@code -Dlackey.emulator=local}, the default), or moto_server for
 * all three ({@code -Dlackey.emulator=moto}). The functions reach each service through a {@link FaultProxy}, which
 * passes everything until a test makes it fail; they find it the way they find AWS in any environment, through
 * the SDK's standard endpoint settings (here its system properties). The clients a test inspects with
 * ({@link #dynamo}, {@link #s3}) talk to the emulators directly, so faults never get in their way.
 */
public final class LocalAws {

    public static final String TABLE = "lackey-runs-test";
    public static final String BUCKET = "lackey-runs-test";
    public static final String BUS = "lackey";
    public static final Region REGION = Region.US_EAST_1;
    /** The system property choosing the emulators: {@code local} (the default) or {@code moto}. */
    public static final String EMULATOR_PROPERTY = "lackey.emulator";

    /** Which emulators stand in for AWS. */
    public enum Emulator {
        /** dynalite for DynamoDB, S3Proxy for S3, the local bus (event-ruler) for EventBridge. */
        LOCAL,
        /** moto_server for all three; the tests see the events the bus accepted (see deliverWhatTheBusAccepts). */
        MOTO;

        /** The emulators this test JVM was asked for. */
        public static Emulator selected() {
            String name = System.getProperty(EMULATOR_PROPERTY, "local");
            return switch (name) {
                case "local" -> LOCAL;
                case "moto" -> MOTO;
                default -> throw new IllegalArgumentException("-D" + EMULATOR_PROPERTY + " must be local or moto, not " + name);
            };
        }
    }

    private static LocalAws instance;

    public final Emulator emulator;
    public final StaticCredentialsProvider credentials;
    /** DynamoDB as a test inspects it: directly, past the fault proxy. */
    public final DynamoDbClient dynamo;
    /** S3 as a test inspects it: directly, past the fault proxy. */
    public final S3Client s3;
    /** Between the functions and DynamoDB, S3 and EventBridge: they fail when a test says so. */
    public final FaultProxy dynamoFaults;
    public final FaultProxy s3Faults;
    public final FaultProxy eventFaults;
    /** Every event the bus delivered to the catch-all test rule (source lackey), as delivered. */
    public final List<String> delivered = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();
    /** The local bus when it is the emulator; null with moto, whose accepted events are recorded as PutEvents answers. */
    private final LocalEventBus bus;

    private LocalAws(Emulator emulator) {
        this.emulator = emulator;
        credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("lackey-test", "lackey-test-secret"));
        URI dynamoEndpoint;
        URI s3Endpoint;
        URI eventsEndpoint;
        LocalEventBus localBus = null;
        switch (emulator) {
            case LOCAL -> {
                try {
                    Path s3Home = Files.createTempDirectory("lackey-s3-");
                    Dynalite dynalite = started(Dynalite.start(null, 0));
                    S3ProxyServer s3proxy = started(S3ProxyServer.start(s3Home, 0, "lackey-test", "lackey-test-secret"));
                    localBus = started(LocalEventBus.start(0, REGION.id(), "000000000000"));
                    dynamoEndpoint = dynalite.endpoint();
                    s3Endpoint = s3proxy.endpoint();
                    eventsEndpoint = localBus.endpoint();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case MOTO -> {
                MotoServer moto = started(MotoServer.start(0));
                dynamoEndpoint = moto.endpoint();
                s3Endpoint = moto.endpoint();
                eventsEndpoint = moto.endpoint();
            }
            default -> throw new IllegalStateException(emulator.name());
        }
        bus = localBus;
        dynamoFaults = started(FaultProxy.start(FaultProxy.Service.DYNAMODB, dynamoEndpoint));
        s3Faults = started(FaultProxy.start(FaultProxy.Service.S3, s3Endpoint));
        eventFaults = started(FaultProxy.start(FaultProxy.Service.EVENTBRIDGE, eventsEndpoint));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        System.setProperty("aws.endpointUrlDynamoDb", dynamoFaults.endpoint().toString());
        System.setProperty("aws.endpointUrlS3", s3Faults.endpoint().toString());
        System.setProperty("aws.endpointUrlEventBridge", eventFaults.endpoint().toString());
        dynamo = started(DynamoDbClient.builder().region(REGION).credentialsProvider(credentials).endpointOverride(dynamoEndpoint).build());
        s3 = started(S3Client.builder().region(REGION).credentialsProvider(credentials).endpointOverride(s3Endpoint)
                .forcePathStyle(true).build());
        createTable();
        s3.createBucket(create -> create.bucket(BUCKET));
        if (bus != null) {
            bus.addRule(BUS, "everything-from-lackey", "{\"source\":[\"lackey\"]}", delivered::add);
        } else {
            deliverWhatTheBusAccepts(eventsEndpoint);
        }
    }

    private void createTable() {
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
    }

    /**
     * moto's rules deliver to a few AWS targets only (SQS, CloudWatch Logs …), and slowly (about 140 ms an event
     * to SQS here, which would push PutEvents past the functions' deadlines): so with moto the tests see what the
     * bus accepted, at the fault proxy, rather than what a rule delivered. That is all the tests need to know.
     */
    private void deliverWhatTheBusAccepts(URI endpoint) {
        try (EventBridgeClient events = EventBridgeClient.builder().region(REGION).credentialsProvider(credentials)
                .endpointOverride(endpoint).build()) {
            events.createEventBus(b -> b.name(BUS));
        }
        eventFaults.onAcceptedEvents(event -> {
            if (event.contains("\"source\":\"lackey\"") && event.contains("\"event-bus-name\":\"" + BUS + "\"")) {
                delivered.add(event);
            }
        });
    }

    /**
     * Waits until the events published so far have reached {@link #delivered}: the local bus delivers on threads of
     * its own, while with moto an event is recorded before its PutEvents is answered.
     */
    public void awaitDeliveries(java.time.Duration timeout) throws InterruptedException {
        if (bus != null && !bus.awaitDeliveries(timeout)) {
            throw new IllegalStateException("the local bus was still delivering after " + timeout);
        }
    }

    private <T extends AutoCloseable> T started(T part) {
        running.add(part);
        return part;
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
            instance = new LocalAws(Emulator.selected());
        }
        return instance;
    }

    public Config config() {
        return new Config(TABLE, BUCKET, BUS, REGION);
    }

    /** A catalog wired exactly as in the listing function's container, with test credentials. */
    public RunCatalog catalog() {
        return DynamoRuns.catalog(config(), credentials);
    }

    /** A lifecycle wired exactly as in a Lambda container, with test credentials. */
    public RunLifecycle lifecycle() {
        return AwsRuns.lifecycle(config(), credentials);
    }

    /** The same, on a clock the test moves. */
    public RunLifecycle lifecycle(java.time.Clock clock) {
        return AwsRuns.lifecycle(config(), credentials, clock);
    }

    /**
     * Whether S3 refuses a presigned URL changed in any way, or unsigned, with 403: AWS and S3Proxy check the
     * signature. moto does not check presigned signatures (a changed expiry, key, response type or signature is
     * served), though it refuses some changed links for other reasons, so against moto the tests of those
     * refusals have nothing to show (RELIABILITY.md, "A second emulator").
     */
    public boolean checksSignatures() {
        return emulator == Emulator.LOCAL;
    }

    /**
     * Whether a presigned GET's {@code response-content-type} sets the answer's content type, as AWS and S3Proxy
     * do; moto answers with the type the object was stored with.
     */
    public boolean honoursResponseContentType() {
        return emulator == Emulator.LOCAL;
    }

    /**
     * Whether concurrent conditional writes to one item are serialised, so that exactly one of them can pass its
     * condition, as in DynamoDB and dynalite. moto checks and writes without a lock in a threaded server: of 100
     * concurrent conditional UpdateItems, two or three sometimes pass (moto 5.2.1; RELIABILITY.md).
     */
    public boolean serialisesConditionalWrites() {
        return emulator == Emulator.LOCAL;
    }

    /** Where the functions send their S3 requests, so where their presigned URLs point. */
    public URI s3Endpoint() {
        return s3Faults.endpoint();
    }

    /**
     * The bus refuses the next {@code entries} entries PutEvents is sent, counted across calls, as EventBridge
     * does now and then ({@code FailedEntryCount}); the other entries of a call go through.
     */
    public void refuseNextEntries(int entries) {
        eventFaults.fail(FaultProxy.Fault.refuseEntries(entries));
    }

    /** Every fault of every proxy ends. */
    public void clearFaults() {
        dynamoFaults.clear();
        s3Faults.clear();
        eventFaults.clear();
    }

    private void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                // the JVM is exiting: stop what can be stopped
            }
        }
    }
}
