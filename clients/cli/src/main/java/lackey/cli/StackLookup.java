package lackey.cli;

import java.net.URI;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * {@code --stack NAME}: the API's URL is the {@code ApiUrl} output of the deployed CloudFormation stack, read with
 * one DescribeStacks call as the user (the SDK's standard endpoint settings apply, e.g.
 * {@code AWS_ENDPOINT_URL_CLOUDFORMATION}).
 */
final class StackLookup {

    static final String API_URL_OUTPUT = "ApiUrl";

    private StackLookup() {
    }

    static URI apiUrl(String stackName, AwsAccess aws) {
        String region = aws.configuredRegion().orElseThrow(() -> CliFailure.aws(
                "no AWS region to look for stack " + stackName + " in", "give --region, or set AWS_REGION or a region in the profile"));
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .region(Region.of(region))
                .credentialsProvider(aws.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            aws.identity(); // a missing login says so before CloudFormation is asked
            Stack stack = cloudFormation.describeStacks(request -> request.stackName(stackName)).stacks().getFirst();
            String url = stack.outputs().stream().filter(output -> API_URL_OUTPUT.equals(output.outputKey()))
                    .map(Output::outputValue).findFirst()
                    .orElseThrow(() -> CliFailure.aws("stack " + stackName + " in " + region + " has no " + API_URL_OUTPUT + " output",
                            "is it a lackey stack? `aws cloudformation describe-stacks --stack-name " + stackName + "` shows its outputs"));
            return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (CloudFormationException e) {
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if (message != null && message.contains("does not exist")) {
                throw CliFailure.aws("there is no stack " + stackName + " in " + region,
                        "check --stack, --region and --profile (`aws cloudformation list-stacks`)");
            }
            throw CliFailure.aws("CloudFormation refused to describe stack " + stackName + ": " + message,
                    "the caller needs cloudformation:DescribeStacks on the stack");
        } catch (SdkClientException e) {
            throw CliFailure.unreachable("cannot reach CloudFormation in " + region + " to find stack " + stackName + ": "
                    + e.getMessage(), "check the network, or give the API's URL with --api instead of --stack");
        }
    }
}
