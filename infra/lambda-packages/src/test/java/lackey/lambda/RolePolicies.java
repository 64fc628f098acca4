package lackey.lambda;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What template.yaml says a function may do: the AWS services its role's policy statements name, as the SDK's
 * client artifacts are named, and whether API Gateway calls it. The packages are held to it.
 */
final class RolePolicies {

    /** IAM's service prefixes whose calls need an SDK client, by client artifact; sqs is the event source mapping's. */
    private static final Map<String, String> CLIENTS = Map.of("dynamodb", "dynamodb", "s3", "s3", "events", "eventbridge",
            "ecs", "ecs");

    private RolePolicies() {
    }

    /** The SDK clients the function's role lets it use: the services of its policies' actions. */
    @SuppressWarnings("unchecked")
    static Set<String> clients(Path template, String logicalId) {
        Set<String> clients = new TreeSet<>();
        for (Object policy : (List<Object>) PackagedFunction.resourceProperties(template, logicalId).getOrDefault("Policies", List.of())) {
            if (!(policy instanceof Map<?, ?> document)) {
                throw new IllegalStateException(logicalId + " has a policy template (" + policy + "): say here which clients it needs");
            }
            for (Map<String, Object> statement : (List<Map<String, Object>>) document.get("Statement")) {
                Object actions = statement.get("Action");
                for (Object action : actions instanceof List<?> list ? list : List.of(actions)) {
                    String prefix = action.toString().substring(0, action.toString().indexOf(':'));
                    if (CLIENTS.containsKey(prefix)) {
                        clients.add(CLIENTS.get(prefix));
                    }
                }
            }
        }
        return clients;
    }

    /** Whether the function is a route of the HTTP API (an event of type HttpApi). */
    @SuppressWarnings("unchecked")
    static boolean servesHttp(Path template, String logicalId) {
        Map<String, Object> events = (Map<String, Object>) PackagedFunction.resourceProperties(template, logicalId)
                .getOrDefault("Events", Map.of());
        return events.values().stream().anyMatch(event -> "HttpApi".equals(((Map<String, Object>) event).get("Type")));
    }
}
