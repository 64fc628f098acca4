package lackey.local.template;

import static lackey.local.template.TemplateJson.properties;
import static lackey.local.template.TemplateJson.resourcesOfType;
import static lackey.local.template.TemplateJson.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures are visible: every EventBridge target of template.yaml (the template's rules and the rules SAM makes of
 * function events) has a retry policy and a dead-letter queue; every queue is encrypted, refuses plain HTTP, and
 * lets exactly the rules that use it send to it; the events that carry a run's token (the dispatch and ECS's task
 * state changes) go to the one queue RecordLaunchFailureFunction reads, and nothing else may read it.
 */
class TemplateDeadLettersTest {

    /** EventBridge's limits on a target's retry policy. */
    private static final int MOST_RETRIES = 185;
    private static final int LEAST_AGE = 60;
    private static final int MOST_AGE = 86_400;

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationYaml.read(ProjectFiles.template());
    }

    /** One target of a rule: the rule's logical id (as CloudFormation will have it) and the target's settings. */
    record Target(String rule, JsonNode settings) {
    }

    /**
     * Every EventBridge target: the targets of each AWS::Events::Rule, and each function event SAM turns into a rule
     * ({@code <function><event>}) whose target is the function, with the event's RetryPolicy and DeadLetterConfig.
     */
    static List<Target> targets(JsonNode template) {
        List<Target> targets = new ArrayList<>();
        resourcesOfType(template, "AWS::Events::Rule").forEach((id, rule) ->
                rule.at("/Properties/Targets").forEach(target -> targets.add(new Target(id, target))));
        resourcesOfType(template, "AWS::Serverless::Function").forEach((id, function) ->
                function.at("/Properties/Events").properties().forEach(event -> {
                    if (Set.of("Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent")
                            .contains(event.getValue().path("Type").asText())) {
                        targets.add(new Target(id + event.getKey(), event.getValue().path("Properties")));
                    }
                }));
        return targets;
    }

    /** What is missing from the targets of {@code template}: retry policies and dead-letter queues. */
    static List<String> targetProblems(JsonNode template) {
        Set<String> queues = resourcesOfType(template, "AWS::SQS::Queue").keySet();
        List<String> problems = new ArrayList<>();
        for (Target target : targets(template)) {
            JsonNode retry = target.settings().path("RetryPolicy");
            int retries = retry.path("MaximumRetryAttempts").asInt(-1);
            int age = retry.path("MaximumEventAgeInSeconds").asInt(-1);
            if (retries < 0 || retries > MOST_RETRIES || age < LEAST_AGE || age > MOST_AGE) {
                problems.add(target.rule() + " has no retry policy with both limits set (" + retry + ")");
            }
            JsonNode queue = target.settings().at("/DeadLetterConfig/Arn/Fn::GetAtt");
            if (!queues.contains(queue.path(0).asText()) || !"Arn".equals(queue.path(1).asText())) {
                problems.add(target.rule() + " has no dead-letter queue of the template");
            }
        }
        return problems;
    }

    @Test
    void everyTargetHasARetryPolicyAndADeadLetterQueue() {
        List<Target> targets = targets(template);
        assertTrue(targets.size() >= 8, "the walk must reach rules and function events: " + targets);
        assertEquals(List.of(), targetProblems(template));
    }

    @Test
    void theTargetCheckFindsATargetWithoutEither() {
        ObjectNode broken = template.deepCopy();
        ((ObjectNode) properties(broken, "DispatchRunRule").at("/Targets/0")).remove("RetryPolicy");
        ((ObjectNode) properties(broken, "SweepRunsFunction").at("/Events/EveryMinute/Properties")).remove("DeadLetterConfig");
        assertEquals(List.of("DispatchRunRule has no retry policy with both limits set ()",
                "SweepRunsFunctionEveryMinute has no dead-letter queue of the template"), targetProblems(broken));
    }

    /** The rules whose targets use each queue, by queue. */
    private static Map<String, Set<String>> rulesByQueue() {
        Map<String, Set<String>> rules = new TreeMap<>();
        resourcesOfType(template, "AWS::SQS::Queue").keySet().forEach(queue -> rules.put(queue, new TreeSet<>()));
        targets(template).forEach(target -> rules.get(target.settings().at("/DeadLetterConfig/Arn/Fn::GetAtt/0").asText())
                .add(target.rule()));
        return rules;
    }

    @Test
    void eachQueueLetsExactlyTheRulesThatUseItSendToIt() {
        Map<String, JsonNode> policies = resourcesOfType(template, "AWS::SQS::QueuePolicy");
        rulesByQueue().forEach((queue, rules) -> {
            List<JsonNode> own = policies.values().stream()
                    .filter(policy -> texts(policy.at("/Properties/Queues")).equals(List.of(queue))
                            && policy.at("/Properties/Queues/0/Ref").asText().equals(queue))
                    .toList();
            assertEquals(1, own.size(), queue + " has one policy of its own");
            List<JsonNode> allows = new ArrayList<>();
            own.getFirst().at("/Properties/PolicyDocument/Statement").forEach(statement -> {
                if ("Allow".equals(statement.path("Effect").asText())) {
                    allows.add(statement);
                }
            });
            assertEquals(1, allows.size(), queue + ": one Allow, for EventBridge");
            JsonNode allow = allows.getFirst();
            assertEquals(List.of("events.amazonaws.com"), texts(allow.path("Principal")), queue);
            assertEquals(List.of("sqs:SendMessage"), texts(allow.path("Action")), queue);
            assertEquals(TemplateJson.getAtt(queue, "Arn"), allow.path("Resource"), queue);
            Set<String> senders = new TreeSet<>();
            allow.at("/Condition/ArnEquals/aws:SourceArn").forEach(arn -> {
                assertEquals("Arn", arn.at("/Fn::GetAtt/1").asText(), queue + ": rules are named by their ARNs");
                senders.add(arn.at("/Fn::GetAtt/0").asText());
            });
            assertEquals(rules, senders, queue + " takes messages from exactly the rules whose targets use it");
        });
    }

    @Test
    void everyQueueIsEncryptedAndRefusesPlainHttp() {
        Map<String, JsonNode> policies = resourcesOfType(template, "AWS::SQS::QueuePolicy");
        resourcesOfType(template, "AWS::SQS::Queue").forEach((queue, resource) -> {
            JsonNode settings = resource.path("Properties");
            assertTrue(settings.path("SqsManagedSseEnabled").asBoolean() || settings.has("KmsMasterKeyId"),
                    queue + " is encrypted at rest");
            boolean tlsOnly = policies.values().stream()
                    .filter(policy -> policy.at("/Properties/Queues/0/Ref").asText().equals(queue))
                    .flatMap(policy -> {
                        List<JsonNode> statements = new ArrayList<>();
                        policy.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
                        return statements.stream();
                    })
                    .anyMatch(statement -> "Deny".equals(statement.path("Effect").asText())
                            && "false".equals(statement.at("/Condition/Bool/aws:SecureTransport").asText()));
            assertTrue(tlsOnly, queue + " denies requests without TLS");
        });
    }

    @Test
    void tokensGoToTheOneQueueRecordLaunchFailureFunctionReadsAndNobodyElseMayReadIt() {
        Map<String, Set<String>> rules = rulesByQueue();
        assertEquals(Set.of("DispatchRunRule", "RecordLaunchFailureFunctionTaskFailedToStart"), rules.get("DispatchDeadLetterQueue"),
                "the rules whose events carry a run's token: Run Scheduled, and ECS's task state changes (their overrides)");

        Map<String, JsonNode> mappings = resourcesOfType(template, "AWS::Lambda::EventSourceMapping");
        assertEquals(1, mappings.size(), "one queue is read: " + mappings.keySet());
        JsonNode mapping = mappings.values().iterator().next().path("Properties");
        assertEquals(TemplateJson.getAtt("DispatchDeadLetterQueue", "Arn"), mapping.path("EventSourceArn"));
        assertEquals(TemplateJson.ref("RecordLaunchFailureFunction"), mapping.path("FunctionName"));
        assertEquals(List.of("ReportBatchItemFailures"), texts(mapping.path("FunctionResponseTypes")),
                "a batch's failed messages come back, its recorded ones do not");
        assertTrue(properties(template, "DispatchDeadLetterQueue").path("VisibilityTimeout").asInt()
                >= 6 * properties(template, "RecordLaunchFailureFunction").path("Timeout").asInt(20),
                "Lambda asks for a visibility timeout of six times the function's timeout");

        List<String> readers = new ArrayList<>();
        for (TemplateSecurityTest.PolicyStatement found : TemplateSecurityTest.policyStatements(template)) {
            if (texts(found.statement().path("Action")).stream().anyMatch(action -> action.startsWith("sqs:Receive"))
                    && "Allow".equals(found.statement().path("Effect").asText())) {
                readers.add(found.place() + " on " + found.statement().path("Resource"));
            }
        }
        assertEquals(List.of("RecordLaunchFailureFunction/#2 on " + TemplateJson.getAtt("DispatchDeadLetterQueue", "Arn")), readers);
    }
}
