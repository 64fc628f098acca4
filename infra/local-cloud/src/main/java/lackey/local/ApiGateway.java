package lackey.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import lackey.local.template.FunctionDefinition;
import lackey.local.template.HttpRoute;

/**
 * The local API Gateway (HTTP API), served from the {@link HttpFront}: matches each request to a route of
 * template.yaml, hands the function a payload 2.0 event through the local Lambda service, and turns its result
 * into the response. The front has already read the request within HTTP API's limits.
 */
final class ApiGateway implements HttpFront.Site {

    private final HttpApiRoutes routes;
    private final Map<String, String> functionNames;
    private final FunctionHosts functions;
    private final String accountId;
    private final String apiId;
    /** Checks AWS_IAM routes' signatures in IAM mode ({@code ./lackey local --iam}); null lets every call through. */
    private final IamAuthorizer iam;

    ApiGateway(List<HttpRoute> routes, List<FunctionDefinition> definitions, FunctionHosts functions, String accountId,
               String apiId) {
        this(routes, definitions, functions, accountId, apiId, null);
    }

    ApiGateway(List<HttpRoute> routes, List<FunctionDefinition> definitions, FunctionHosts functions, String accountId,
               String apiId, IamAuthorizer iam) {
        this.routes = new HttpApiRoutes(routes);
        this.functionNames = definitions.stream().collect(Collectors.toMap(
                FunctionDefinition::logicalId, FunctionDefinition::functionName));
        this.functions = functions;
        this.accountId = accountId;
        this.apiId = apiId;
        this.iam = iam;
    }

    @Override
    public Optional<HttpFront.Endpoint> endpoint(String method, String rawPath) {
        return routes.match(method, rawPath).map(match -> (request, requestId) -> invoke(match, request, requestId));
    }

    private HttpApiEvents.Response invoke(HttpApiRoutes.Match match, HttpApiEvents.Request request, String requestId) {
        if (iam != null && match.route().needsIam()) {
            Optional<String> refusal = iam.refusal(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                    request.body());
            if (refusal.isPresent()) {
                return IamAuthorizer.forbidden(refusal.get());
            }
        }
        HttpApiEvents.Stage stage = new HttpApiEvents.Stage(accountId, apiId, requestId, Instant.now());
        byte[] event = HttpApiEvents.event(request, match, stage).toString().getBytes(StandardCharsets.UTF_8);
        FunctionHosts.Invocation invocation = functions.invoke(functionNames.get(match.route().function()), event);
        if (invocation.failed()) {
            // as HTTP API does: the function's error stays in its log, the client gets a plain 500
            return HttpApiEvents.Response.json(500, "internal", "Internal Server Error");
        }
        return HttpApiEvents.response(invocation.payload());
    }
}
