package lackey.local.template;

/**
 * A function reading a queue: an {@code AWS::Lambda::EventSourceMapping} of template.yaml, or a function's SAM
 * {@code SQS} event, which SAM turns into one.
 *
 * @param queueArn                the queue read ({@code EventSourceArn})
 * @param function                logical id of the template's function it invokes
 * @param batchSize               messages per invocation at most ({@code BatchSize}, 10 when absent)
 * @param reportBatchItemFailures whether the function answers which messages of a batch failed
 *                                ({@code FunctionResponseTypes: [ReportBatchItemFailures]}); otherwise a failed
 *                                invocation fails the whole batch
 */
public record QueueSubscription(String queueArn, String function, int batchSize, boolean reportBatchItemFailures) {
}
