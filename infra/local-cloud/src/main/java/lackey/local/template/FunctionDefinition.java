package lackey.local.template;

import java.util.List;
import java.util.Map;

/**
 * A function of template.yaml with SAM's {@code Globals} merged in and its environment resolved to
 * the local values, as Lambda would run it.
 *
 * @param logicalId      the function's logical id
 * @param functionName   its name (the {@code FunctionName} property, else the logical id)
 * @param handlerClass   the handler's class name
 * @param handlerMethod  the handler's method name ({@code handleRequest} when the template names only the class)
 * @param environment    {@code Environment.Variables}, resolved
 * @param timeoutSeconds {@code Timeout} (Lambda's default 3 when absent)
 * @param memoryMb       {@code MemorySize} (Lambda's default 128 when absent)
 * @param routes         its {@code HttpApi} events
 * @param schedules      its {@code Schedule} events
 */
public record FunctionDefinition(String logicalId, String functionName, String handlerClass, String handlerMethod,
                                 Map<String, String> environment, int timeoutSeconds, int memoryMb,
                                 List<HttpRoute> routes, List<ScheduleDefinition> schedules) {

    public FunctionDefinition {
        environment = Map.copyOf(environment);
        routes = List.copyOf(routes);
        schedules = List.copyOf(schedules);
    }

    /** The handler as the template writes it: {@code package.Class::method}. */
    public String handler() {
        return handlerClass + "::" + handlerMethod;
    }
}
