package lackey.local.template;

/**
 * One route of an HTTP API: a function's {@code HttpApi} event in template.yaml.
 *
 * @param method   upper-case HTTP method, or {@code ANY}
 * @param path     the route path as written, e.g. {@code /api/run/start/{id}}
 * @param function logical id of the function that serves it
 */
public record HttpRoute(String method, String path, String function) {

    /** The route key as API Gateway names it in events, e.g. {@code PUT /api/run/start/{id}}. */
    public String routeKey() {
        return method + " " + path;
    }
}
