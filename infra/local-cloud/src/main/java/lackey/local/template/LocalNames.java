package lackey.local.template;

import java.util.Map;
import java.util.Objects;

/**
 * The values the local cloud gives what CloudFormation would decide at deploy time: stack name,
 * region, account id and the API's URL, plus parameter values that replace a parameter's default.
 *
 * @param stackName          used to derive physical names ({@code RunsTable} becomes {@code lackey-runs})
 * @param region             what {@code AWS::Region} resolves to
 * @param accountId          what {@code AWS::AccountId} resolves to
 * @param apiUrl             what an HTTP API's {@code ApiEndpoint} attribute resolves to locally
 * @param parameterOverrides parameter values that win over the template's defaults
 */
public record LocalNames(String stackName, String region, String accountId, String apiUrl,
                         Map<String, String> parameterOverrides) {

    public LocalNames {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(apiUrl, "apiUrl");
        parameterOverrides = Map.copyOf(parameterOverrides);
    }

    /** These names with template parameters set, as {@code --parameter-overrides} would. */
    public LocalNames withParameterOverrides(Map<String, String> overrides) {
        return new LocalNames(stackName, region, accountId, apiUrl, overrides);
    }

    /** The local cloud's fixed identity: stack {@code lackey}, {@code us-east-1}, account {@code 000000000000}. */
    public static LocalNames local(String apiUrl) {
        return new LocalNames("lackey", "us-east-1", "000000000000", apiUrl, Map.of());
    }
}
