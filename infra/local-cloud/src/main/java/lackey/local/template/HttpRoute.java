package lackey.local.template;

/**
 * One route of an HTTP API: a function's {@code HttpApi} event in template.yaml.
 *
 * @param method     upper-case HTTP method, or {@code ANY}
 * @param path       the route path as written, e.g. {@code /api/run/start/{id}}
 * @param function   logical id of the function that serves it
 * @param authorizer the route's authorizer: its own {@code Auth.Authorizer}, else its API's
 *                   {@code Auth.DefaultAuthorizer}, else {@code NONE}; {@code AWS_IAM} means SigV4-signed calls only
 */
public record HttpRoute(String method, String path, String function, String authorizer) {

    /** A route without an authorizer. */
    public HttpRoute(String method, String path, String function) {
        this(method, path, function, "NONE");
    }

    /** The route key as API Gateway names it in events, e.g. {@code PUT /api/run/start/{id}}. */
    public String routeKey() {
        return method + " " + path;
    }

    /** Whether API Gateway lets only SigV4-signed calls through (the AWS_IAM authorizer). */
    public boolean needsIam() {
        return "AWS_IAM".equals(authorizer);
    }
}
