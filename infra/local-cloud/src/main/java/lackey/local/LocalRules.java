package lackey.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lackey.emulators.LocalEventBus;
import lackey.local.template.ContainerDefinition;
import lackey.local.template.EcsTaskTarget;
import lackey.local.template.RuleDefinition;
import lackey.local.template.RetryPolicy;
import lackey.local.template.RuleTarget;
import lackey.local.template.SamTemplate;

/**
 * The EventBridge rules of template.yaml, wired to local targets: pattern rules are registered on the
 * local bus (matched there with event-ruler), {@code rate(...)} schedules fire on a timer. A target that
 * is a template function is invoked asynchronously through the local Lambda service; an ECS task target
 * runs its container's command as a local process, a task of the local ECS (see {@link LocalEcs}); an SNS
 * topic target prints and keeps the message (see {@link LocalTopics}).
 *
 * <p>A delivery that fails is handled as EventBridge handles it, by the target's {@code RetryPolicy} and
 * {@code DeadLetterConfig}: an error that may pass (ECS throttling, a function host that cannot be reached) is tried
 * again, after 1, 2, 4 … seconds (at most a minute apart), while retries and the event's age allow; then, or at once
 * for an error that will not pass (ECS refusing a RunTask's parameters), the event goes to the target's dead-letter
 * queue ({@link LocalQueues}) with EventBridge's message attributes, or is dropped with a line saying so.
 */
final class LocalRules implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

    private final SamTemplate template;
    private final FunctionHosts functions;
    private final LocalEcs ecs;
    private final LocalTopics topics;
    private final LocalQueues queues;
    private final String apiUrl;
    private final Path s3Root;
    private final PrintStream log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().daemon(true).name("lackey-schedules").unstarted(runnable));

    /** @param s3Root S3Proxy's filesystem root: a dispatched run's exchange folder lies under it ({@link LocalExchange}) */
    LocalRules(SamTemplate template, FunctionHosts functions, LocalEcs ecs, LocalTopics topics, LocalQueues queues,
               String apiUrl, Path s3Root, PrintStream log) {
        this.template = template;
        this.functions = functions;
        this.ecs = ecs;
        this.topics = topics;
        this.queues = queues;
        this.apiUrl = apiUrl;
        this.s3Root = s3Root;
        this.log = log;
    }

    /** Registers every enabled pattern rule on {@code bus} and starts the timers of enabled rate schedules. */
    void start(LocalEventBus bus) {
        for (RuleDefinition rule : template.rules()) {
            if (!rule.enabled()) {
                log.println("[events] rule " + rule.name() + " is disabled in template.yaml; not active locally");
                continue;
            }
            if (rule.eventPattern().isPresent()) {
                for (RuleTarget target : rule.targets()) {
                    bus.addRule(rule.busName(), rule.name(), rule.eventPattern().get(),
                            event -> deliver(rule, target, event));
                }
                log.println("[events] rule " + rule.name() + " on bus " + rule.busName() + " -> " + describe(rule));
            }
            rule.scheduleExpression().ifPresent(expression -> schedule(rule, expression));
        }
    }

    private void schedule(RuleDefinition rule, String expression) {
        Optional<Duration> period = rate(expression);
        if (period.isEmpty()) {
            Optional<CronSchedule> cron;
            try {
                cron = CronSchedule.parse(expression);
            } catch (IllegalArgumentException e) {
                log.println("[events] schedule " + rule.name() + " is not fired locally: " + e.getMessage());
                return;
            }
            if (cron.isEmpty()) {
                log.println("[events] schedule " + rule.name() + " (" + expression + ") is neither rate(...) nor cron(...)");
                return;
            }
            fireOnCron(rule, cron.get());
            log.println("[events] schedule " + rule.name() + " fires on " + expression + " (UTC) -> " + describe(rule));
            return;
        }
        long millis = period.get().toMillis();
        timer.scheduleAtFixedRate(() -> fire(rule), millis, millis, TimeUnit.MILLISECONDS);
        log.println("[events] schedule " + rule.name() + " fires every " + period.get() + " -> " + describe(rule));
    }

    /** Waits for the cron schedule's next time, fires, and waits for the one after. */
    private void fireOnCron(RuleDefinition rule, CronSchedule cron) {
        cron.nextAfter(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)).ifPresent(next -> {
            long delay = Math.max(0, Duration.between(Instant.now(), next.toInstant()).toMillis());
            timer.schedule(() -> {
                fire(rule);
                fireOnCron(rule, cron);
            }, delay, TimeUnit.MILLISECONDS);
        });
    }

    /** Sends {@code rule}'s scheduled event to its targets now, as EventBridge does when the schedule is due. */
    void fire(RuleDefinition rule) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", template.names().accountId());
        event.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", template.names().region());
        event.putArray("resources").add(ruleArn(rule));
        event.putObject("detail");
        String json = event.toString();
        rule.targets().forEach(target -> deliver(rule, target, json));
    }

    /** EventBridge's {@code rate(N unit)} as a period; empty for {@code cron(...)} and anything else. */
    static Optional<Duration> rate(String expression) {
        Matcher matcher = RATE.matcher(expression.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        return Optional.of(unit.startsWith("minute") ? Duration.ofMinutes(amount)
                : unit.startsWith("hour") ? Duration.ofHours(amount) : Duration.ofDays(amount));
    }

    private void deliver(RuleDefinition rule, RuleTarget target, String eventJson) {
        attempt(new Delivery(rule, target, eventJson, Instant.now()), 0);
    }

    /** One event on its way to one target, since {@code firstAttempt}. */
    private record Delivery(RuleDefinition rule, RuleTarget target, String eventJson, Instant firstAttempt) {
    }

    private void attempt(Delivery delivery, int retries) {
        RuleDefinition rule = delivery.rule();
        RuleTarget target = delivery.target();
        try {
            JsonNode event = JSON.readTree(delivery.eventJson());
            String input = input(rule, target, event, delivery.eventJson());
            if (target.ecsTask().isPresent()) {
                runTask(rule, target, event, input);
            } else if (target.function().isPresent()) {
                String name = template.function(target.function().get()).orElseThrow().functionName();
                functions.invokeAsync(name, input.getBytes(StandardCharsets.UTF_8),
                        why -> failed(delivery, retries, "CONNECTION_FAILURE", why, true));
            } else if (LocalTopics.isTopic(target.arn())) {
                topics.publish(target.arn(), input);
            } else {
                log.println("[events] rule " + rule.name() + ": target " + target.id() + " (" + target.arn()
                        + ") has no local counterpart; event " + event.path("id").asText() + " not delivered to it");
            }
        } catch (RunTaskRefused refused) {
            failed(delivery, retries, errorCode(refused), refused.type() + ": " + refused.getMessage(), refused.retryable());
        } catch (Exception e) {
            log.println("[events] rule " + rule.name() + ": delivery to target " + target.id() + " failed: " + e);
        }
    }

    /** What EventBridge does after a failed delivery: try again later, or hand the event to the dead-letter queue. */
    private void failed(Delivery delivery, int retries, String errorCode, String errorMessage, boolean retryable) {
        RetryPolicy policy = delivery.target().retryPolicy();
        Duration backoff = Duration.ofSeconds(Math.min(60, 1L << Math.min(retries, 6)));
        boolean young = Instant.now().plus(backoff).isBefore(delivery.firstAttempt().plus(policy.maximumEventAge()));
        String rule = delivery.rule().name();
        if (retryable && retries < policy.maximumRetryAttempts() && young) {
            log.println("[events] rule " + rule + ": delivery to target " + delivery.target().id() + " failed (" + errorCode
                    + "); trying again in " + backoff.toSeconds() + " s");
            try {
                timer.schedule(() -> attempt(delivery, retries + 1), backoff.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                log.println("[events] rule " + rule + ": not tried again, the local cloud is stopping");
            }
            return;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("RULE_ARN", ruleArn(delivery.rule()));
        attributes.put("TARGET_ARN", delivery.target().arn());
        attributes.put("ERROR_CODE", errorCode);
        attributes.put("ERROR_MESSAGE", errorMessage);
        if (retryable) {
            attributes.put("EXHAUSTED_RETRY_CONDITION", retries >= policy.maximumRetryAttempts()
                    ? "MaximumRetryAttempts" : "MaximumEventAgeInSeconds");
        }
        attributes.put("RETRY_ATTEMPTS", Integer.toString(retries));
        if (delivery.target().deadLetterArn().isPresent()) {
            queues.send(delivery.target().deadLetterArn().get(), delivery.eventJson(), attributes);
        } else {
            log.println("[events] rule " + rule + ": event dropped, target " + delivery.target().id()
                    + " has no dead-letter queue (" + errorCode + ": " + errorMessage + ")");
        }
    }

    // EventBridge's error codes of dead letters; ECS's refusal of a RunTask's parameters is INVALID_PARAMETER.
    private static String errorCode(RunTaskRefused refused) {
        return switch (refused.type()) {
            case "ThrottlingException" -> "THROTTLING";
            case "ClusterNotFoundException" -> "RESOURCE_NOT_FOUND";
            case "AccessDeniedException" -> "NO_PERMISSIONS";
            default -> refused.retryable() ? "SDK_CLIENT_ERROR" : "INVALID_PARAMETER";
        };
    }

    // What the target receives: InputTransformer, constant Input, InputPath, or the event itself.
    private String input(RuleDefinition rule, RuleTarget target, JsonNode event, String eventJson) {
        if (target.inputTransformer().isPresent()) {
            var transformer = target.inputTransformer().get();
            return new InputTransformer(transformer.inputPathsMap(), transformer.inputTemplate())
                    .apply(event, rule.name(), ruleArn(rule));
        }
        if (target.input().isPresent()) {
            return target.input().get();
        }
        if (target.inputPath().isPresent()) {
            return InputTransformer.select(event, target.inputPath().get()).toString();
        }
        return eventJson;
    }

    // ECS RunTask with overrides, locally: the overridden (or defined) command with the container's environment.
    private void runTask(RuleDefinition rule, RuleTarget target, JsonNode event, String input) throws Exception {
        JsonNode overrides = JSON.readTree(input);
        JsonNode override = overrides.path("containerOverrides").path(0);
        String containerName = override.path("name").isMissingNode() ? null : override.path("name").asText();
        EcsTaskTarget task = target.ecsTask().get();
        Optional<ContainerDefinition> container = task.container(containerName);
        List<String> command = new ArrayList<>(container.map(ContainerDefinition::command).orElse(List.of()));
        if (override.has("command")) {
            command.clear();
            override.get("command").forEach(part -> command.add(part.asText()));
        }
        Map<String, String> environment = new LinkedHashMap<>(container.map(ContainerDefinition::environment).orElse(Map.of()));
        override.path("environment").forEach(pair -> environment.put(pair.path("name").asText(), pair.path("value").asText()));
        // The deployed value names API Gateway's host; locally the simulation reports to this local cloud.
        environment.put("LACKEY_API", apiUrl);
        // Local only: the exchange folder as a folder on disk, created so the simulation can write out/ at once.
        Optional<Path> exchangeDir = LocalExchange.folder(s3Root, environment.get("LACKEY_EXCHANGE"));
        if (exchangeDir.isPresent()) {
            Files.createDirectories(exchangeDir.get().resolve("in"));
            Files.createDirectories(exchangeDir.get().resolve("out"));
            environment.put(LocalExchange.DIR_VARIABLE, exchangeDir.get() + "/");
        }
        String runId = environment.getOrDefault("LACKEY_RUN_ID", event.path("id").asText());
        if (command.isEmpty()) {
            log.println("[ecs] rule " + rule.name() + ": run " + runId
                    + " has no command; an image's default command has no local equivalent, nothing started");
            return;
        }
        // As ECS does: a task of the target's cluster, its identity from the task definition, started by the rule.
        ecs.runTask(new EcsTask.Definition(target.arn(), task.ecsParameters().path("TaskDefinitionArn").asText(),
                task.ecsParameters().path("LaunchType").asText("FARGATE"),
                container.map(ContainerDefinition::name).orElse(containerName == null ? "main" : containerName),
                container.map(ContainerDefinition::image).orElse(""), "events-rule/" + rule.name(), runId,
                overrides.isObject() ? (ObjectNode) overrides : null),
                task.ecsParameters().path("NetworkConfiguration").path("AwsVpcConfiguration"), command, environment);
    }

    private String ruleArn(RuleDefinition rule) {
        String bus = rule.busName().equals("default") ? "" : rule.busName() + "/";
        return "arn:aws:events:" + template.names().region() + ":" + template.names().accountId() + ":rule/" + bus + rule.name();
    }

    private String describe(RuleDefinition rule) {
        List<String> targets = new ArrayList<>();
        for (RuleTarget target : rule.targets()) {
            if (target.ecsTask().isPresent()) {
                targets.add("ECS task (runs the command as a local process)");
            } else if (target.function().isPresent()) {
                targets.add("function " + target.function().get());
            } else if (LocalTopics.isTopic(target.arn())) {
                targets.add("SNS topic " + target.arn().substring(target.arn().lastIndexOf(':') + 1)
                        + " (messages are printed as [sns] lines)");
            } else {
                targets.add(target.arn().toLowerCase(Locale.ROOT) + " (not emulated)");
            }
        }
        return String.join(", ", targets);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
