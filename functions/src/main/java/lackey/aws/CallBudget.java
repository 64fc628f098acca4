package lackey.aws;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * How long a function waits for one AWS service, and how often it tries: chosen on purpose, because the
 * SDK's defaults (no deadline for a call, 30 s of silence before a read gives up) could keep a function past
 * its own end. The budget: API Gateway's HTTP API waits at most 30 s for a function, and template.yaml gives
 * each HTTP function 20 s ({@code Globals.Function.Timeout}); a function that Lambda stops leaves the client
 * a bare 500 that says nothing. So every call has a deadline ({@code call}) short enough that a function whose
 * service is down answers 503 itself, within seconds: the longest chain of calls an HTTP function makes (a stop
 * with its log: PutObject, UpdateItem, PutEvents) ends within 6 + 5 + 4 = 15 s even if each call used its
 * whole deadline. Each attempt has a shorter deadline ({@code attempt}, also the socket's read timeout), so one
 * stuck connection costs an attempt, not the call. Three attempts, with the SDK's standard strategy
 * (exponential backoff with jitter, a longer one after throttling, and a retry quota that stops retrying while
 * most calls fail), ride out a dropped connection or a throttled second. A simulation's curl (hello.sh sets no
 * limit; docs/retries.md suggests {@code --max-time 30 --retry 5}) thus always gets an answer: 503 with
 * {@code Retry-After} while a service is down, which {@code curl --retry} waits for and sends again.
 *
 * @param connect  TCP connect to the regional endpoint: milliseconds when it is there, so a second means it is not
 * @param attempt  one attempt, its answer included
 * @param call     the whole call: every attempt and every backoff
 * @param attempts how many times a call is sent at most
 */
record CallBudget(Duration connect, Duration attempt, Duration call, int attempts) {

    /**
     * Single-item reads and conditional writes answer in milliseconds; an attempt may also carry a whole 1 MB
     * page of a listing's Query, or a batch of 25 writes of a sweep.
     */
    static final CallBudget DYNAMODB = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), 3);
    /** An inline log is up to 8 MiB: 3 s an attempt is 3 MB/s, far below what a function gets from S3. */
    static final CallBudget S3 = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(6), 3);
    /**
     * PutEvents of up to 10 entries, 256 KB; the entries it refuses are sent again by the publishers themselves.
     * Its answers take longer than DynamoDB's now and then, and an attempt given up too early may have been
     * taken all the same: its retry is then a second event.
     */
    static final CallBudget EVENTBRIDGE = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), 3);
    /** StopTask, from an EventBridge target: a failure fails the invocation, and EventBridge retries it. */
    static final CallBudget ECS = new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), 3);

    UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(attempt);
    }

    ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build())
                .apiCallAttemptTimeout(attempt)
                .apiCallTimeout(call)
                .build();
    }
}
