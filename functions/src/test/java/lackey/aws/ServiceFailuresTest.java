package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import lackey.run.Unavailable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** Which failures of an AWS call become {@link Unavailable} (503 with Retry-After), and which pass unchanged. */
class ServiceFailuresTest {

    private static DynamoDbException dynamoError(int status, String code) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("…").build()).numAttempts(3).build();
    }

    @Test
    void throttlingIsUnavailableForASecond() {
        var throttled = ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .numAttempts(3).build();
        var failure = assertThrows(Unavailable.class, () -> ServiceFailures.call("DynamoDB UpdateItem", () -> {
            throw throttled;
        }));
        assertEquals(Unavailable.AFTER_THROTTLING, failure.retryAfter());
        assertEquals("DynamoDB UpdateItem was throttled after 3 attempts; the request may be sent again in 1 s", failure.getMessage());
        assertEquals("unavailable", failure.code());
    }

    @Test
    void aServerErrorATimeoutAndARefusedConnectionAreUnavailableForFiveSeconds() {
        assertEquals(Unavailable.AFTER_OUTAGE, ServiceFailures.unavailable("x", dynamoError(500, "InternalServerError")).orElseThrow().retryAfter());
        assertTrue(ServiceFailures.unavailable("S3 PutObject", ApiCallTimeoutException.create(6000)).orElseThrow().getMessage()
                .startsWith("S3 PutObject did not answer in time"));
        var refused = SdkClientException.builder().message("Unable to execute HTTP request").cause(new ConnectException("Connection refused")).build();
        assertTrue(ServiceFailures.unavailable("DynamoDB GetItem", refused).orElseThrow().getMessage()
                .startsWith("DynamoDB GetItem could not be reached"));
        assertTrue(ServiceFailures.unavailable("DynamoDB GetItem", SdkClientException.create("Premature EOF")).orElseThrow()
                .getMessage().startsWith("DynamoDB GetItem did not answer"));
    }

    @Test
    void anErrorAnswerCutBeforeItsCodeIsUnavailable() {
        var unreadable = DynamoDbException.builder().statusCode(400).numAttempts(2).build();
        assertTrue(ServiceFailures.unavailable("DynamoDB UpdateItem", unreadable).isPresent());
    }

    @Test
    void aRefusedConditionOrABadRequestPassesUnchanged() {
        var refusedCondition = ConditionalCheckFailedException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ConditionalCheckFailedException").build()).build();
        var thrown = assertThrows(ConditionalCheckFailedException.class, () -> ServiceFailures.call("DynamoDB UpdateItem", () -> {
            throw refusedCondition;
        }));
        assertSame(refusedCondition, thrown, "the adapter handles it");
        assertTrue(ServiceFailures.unavailable("x", dynamoError(400, "ValidationException")).isEmpty(), "a bug: a 500");
        assertTrue(ServiceFailures.unavailable("x", dynamoError(403, "AccessDeniedException")).isEmpty(), "a broken deployment: a 500");
    }
}
