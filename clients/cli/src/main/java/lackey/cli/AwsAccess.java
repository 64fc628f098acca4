package lackey.cli;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The user's AWS identity, found as the AWS CLI finds it: the SDK's default credentials chain (environment,
 * profiles with SSO or an assumed role, container and instance credentials) for {@code --profile} or
 * {@code AWS_PROFILE}, and the region from {@code --region}, the API's own host name, or the profile and
 * environment. Nothing is looked up until a call needs it.
 */
final class AwsAccess {

    private static final Pattern EXECUTE_API_HOST =
            Pattern.compile("[a-z0-9]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

    private final String profile;
    private final String region;
    private AwsCredentialsProvider credentials;
    private AwsCredentialsIdentity identity;

    /**
     * @param profile the {@code --profile}, or null for the chain's own choice ({@code AWS_PROFILE} or default)
     * @param region  the {@code --region}, or null
     */
    AwsAccess(String profile, String region) {
        this.profile = profile;
        this.region = region;
    }

    /** The region to sign calls to {@code api} for: {@code --region}, else the one in its host name, else the chain's. */
    String regionFor(URI api) {
        if (region != null) {
            return region;
        }
        Matcher host = EXECUTE_API_HOST.matcher(api.getHost() == null ? "" : api.getHost());
        if (host.matches()) {
            return host.group(1);
        }
        return configuredRegion().orElseThrow(() -> CliFailure.aws("no AWS region to sign calls to " + api + " with",
                "give --region, or set AWS_REGION or a region in the profile"));
    }

    /** {@code --region}, else the profile's or the environment's region, if any. */
    Optional<String> configuredRegion() {
        if (region != null) {
            return Optional.of(region);
        }
        try {
            var chain = DefaultAwsRegionProviderChain.builder();
            if (profile != null) {
                chain.profileName(profile);
            }
            Region found = chain.build().getRegion();
            return Optional.ofNullable(found).map(Region::id);
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    /** The credentials provider SDK clients use (e.g. CloudFormation for {@code --stack}). */
    synchronized AwsCredentialsProvider credentials() {
        if (credentials == null) {
            var chain = DefaultCredentialsProvider.builder();
            if (profile != null) {
                chain.profileName(profile);
            }
            credentials = chain.build();
        }
        return credentials;
    }

    /** The credentials to sign with, resolved once per command; a missing or expired login is a {@link CliFailure}. */
    synchronized AwsCredentialsIdentity identity() {
        if (identity == null) {
            try {
                identity = credentials().resolveCredentials();
            } catch (SdkException e) {
                throw noCredentials(e);
            }
        }
        return identity;
    }

    private CliFailure noCredentials(SdkException e) {
        String message = String.valueOf(e.getMessage());
        String which = profile == null ? "" : " for profile " + profile;
        if (message.contains("The SSO session associated with this profile")) {
            return CliFailure.aws("the SSO session" + (profile == null ? "" : " of profile " + profile)
                    + " has expired or was never started", "run `aws sso login" + (profile == null ? "" : " --profile " + profile)
                    + "`, then try again");
        }
        if (message.startsWith("Unable to load credentials from any of the providers")) {
            return CliFailure.aws("no AWS credentials found" + which + " to sign the call with",
                    "run `aws configure` or `aws sso login`, give --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        String first = message.lines().findFirst().orElse(message);
        return CliFailure.aws("cannot load the AWS credentials" + which + ": " + abbreviate(first, 300),
                profile == null ? "check the profile (`aws configure list`); for SSO run `aws sso login`"
                        : "check it with `aws configure list --profile " + profile + "`; for SSO run `aws sso login --profile " + profile + "`");
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
