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
 * @param runtime        {@code Runtime}: {@code java25} (the handler runs from a class path, as the managed runtime
 *                       loads a jar) or {@code provided.al2023} (the package at {@code codeUri} runs as it ships)
 * @param codeUri        {@code CodeUri} as written, relative to the project root
 * @param reservedConcurrency {@code ReservedConcurrentExecutions}, 0 when it reserves none
 */
public record FunctionDefinition(String logicalId, String functionName, String handlerClass, String handlerMethod,
                                 Map<String, String> environment, int timeoutSeconds, int memoryMb,
                                 List<HttpRoute> routes, List<ScheduleDefinition> schedules, String runtime,
                                 String codeUri, int reservedConcurrency) {

    /** The runtime whose functions ship as a package of their own: bootstrap, JRE, jars, AOT cache. */
    public static final String CUSTOM_RUNTIME = "provided.al2023";

    public FunctionDefinition {
        environment = Map.copyOf(environment);
        routes = List.copyOf(routes);
        schedules = List.copyOf(schedules);
    }

    /** A function of the managed java25 runtime, its handler loaded from a class path. */
    public FunctionDefinition(String logicalId, String functionName, String handlerClass, String handlerMethod,
                              Map<String, String> environment, int timeoutSeconds, int memoryMb,
                              List<HttpRoute> routes, List<ScheduleDefinition> schedules) {
        this(logicalId, functionName, handlerClass, handlerMethod, environment, timeoutSeconds, memoryMb, routes, schedules,
                "java25", "", 0);
    }

    /** Whether it ships as a custom-runtime package (a zip with {@code bootstrap}) rather than a jar for java25. */
    public boolean customRuntime() {
        return CUSTOM_RUNTIME.equals(runtime) && codeUri.endsWith(".zip");
    }

    /** The handler as the template writes it: {@code package.Class::method}. */
    public String handler() {
        return handlerClass + "::" + handlerMethod;
    }
}
