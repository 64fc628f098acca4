package lackey.local.template;

import static lackey.local.template.TemplateJson.getAtt;
import static lackey.local.template.TemplateJson.properties;
import static lackey.local.template.TemplateJson.ref;
import static lackey.local.template.TemplateJson.resourcesOfType;
import static lackey.local.template.TemplateJson.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack's alarms: every function's errors and throttles, the API's 5xx answers, the depth of every queue, all
 * notifying RunNotificationsTopic, whose topic and key policies let CloudWatch publish for the stack's alarms.
 */
class TemplateAlarmsTest {

    private static final String ALARM_ARNS = ":alarm:${AWS::StackName}-*";
    /** CloudWatch's hard limit on the metrics a metric-math alarm reads. */
    private static final int METRICS_PER_ALARM = 10;

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationYaml.read(ProjectFiles.template());
    }

    @Test
    void everyFunctionHasAnAlarmOnItsErrorsAndThrottles() {
        Map<String, String> alarmOfFunction = new TreeMap<>();
        resourcesOfType(template, "AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            Map<String, String> metricIds = new TreeMap<>();  // query id -> "Errors of X" / "Throttles of X"
            String expression = null;
            for (JsonNode query : alarm.at("/Properties/Metrics")) {
                JsonNode metric = query.at("/MetricStat/Metric");
                if (metric.isObject() && "AWS/Lambda".equals(metric.path("Namespace").asText())) {
                    assertEquals("FunctionName", metric.at("/Dimensions/0/Name").asText(), id);
                    metricIds.put(query.path("Id").asText(), metric.path("MetricName").asText() + " of "
                            + metric.at("/Dimensions/0/Value/Ref").asText());
                    assertEquals("Sum", query.at("/MetricStat/Stat").asText(), id);
                    assertTrue(query.at("/MetricStat/Period").asInt() <= 300, id + ": within 5 minutes");
                } else if (query.has("Expression") && query.path("ReturnData").asBoolean(true)) {
                    expression = query.path("Expression").asText();
                }
            }
            if (metricIds.isEmpty()) {
                return;
            }
            Set<String> functions = new TreeSet<>();
            metricIds.values().forEach(metric -> functions.add(metric.substring(metric.indexOf(" of ") + 4)));
            assertEquals(1, functions.size(), id + " watches one function: " + metricIds);
            String function = functions.iterator().next();
            assertEquals(Set.of("Errors of " + function, "Throttles of " + function), Set.copyOf(metricIds.values()), id);
            List<String> terms = new ArrayList<>(List.of(expression.split("\\s*\\+\\s*")));
            assertEquals(new TreeSet<>(metricIds.keySet()), new TreeSet<>(terms), id + ": the sum of both, " + expression);
            assertEquals(1, alarm.at("/Properties/Threshold").asInt(), id);
            assertEquals("GreaterThanOrEqualToThreshold", alarm.at("/Properties/ComparisonOperator").asText(), id);
            assertEquals("notBreaching", alarm.at("/Properties/TreatMissingData").asText(), id + ": no invocations is fine");
            alarmOfFunction.put(function, id);
        });
        assertEquals(resourcesOfType(template, "AWS::Serverless::Function").keySet(), alarmOfFunction.keySet(),
                "functions with an errors-and-throttles alarm");
    }

    @Test
    void serverErrorsOfTheApiAreAlarmed() {
        JsonNode alarm = properties(template, "ApiServerErrorsAlarm");
        assertEquals("AWS/ApiGateway", alarm.path("Namespace").asText());
        assertEquals("5xx", alarm.path("MetricName").asText());
        assertEquals("ApiId", alarm.at("/Dimensions/0/Name").asText());
        assertEquals(ref("LackeyApi"), alarm.at("/Dimensions/0/Value"));
        assertEquals(1, alarm.path("Dimensions").size(), "the whole API, every route");
        assertEquals("Sum", alarm.path("Statistic").asText());
        assertEquals(1, alarm.path("Threshold").asInt());
    }

    @Test
    void everyAlarmIsNamedAfterTheStackAndNotifiesTheTopic() {
        Map<String, JsonNode> alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm");
        assertTrue(alarms.size() >= 16, "alarms: " + alarms.keySet());
        alarms.forEach((id, alarm) -> {
            JsonNode properties = alarm.path("Properties");
            assertTrue(properties.at("/AlarmName/Fn::Sub").asText().startsWith("${AWS::StackName}-"),
                    id + ": the topic and key policies admit alarms named after the stack only");
            assertEquals(List.of(ref("RunNotificationsTopic")), List.copyOf(toList(properties.path("AlarmActions"))),
                    id + " notifies RunNotificationsTopic");
            int metrics = 0;
            for (JsonNode query : properties.path("Metrics")) {
                metrics += query.has("MetricStat") ? 1 : 0;
            }
            assertTrue(metrics <= METRICS_PER_ALARM, id + " reads " + metrics + " metrics; CloudWatch allows 10");
        });
    }

    @Test
    void cloudWatchMayPublishToTheEncryptedTopicForTheStacksAlarmsOnly() {
        JsonNode publish = statementFor(properties(template, "RunNotificationsTopicPolicy").at("/PolicyDocument/Statement"));
        assertEquals(List.of("sns:Publish"), texts(publish.path("Action")));
        assertEquals(ref("RunNotificationsTopic"), publish.path("Resource"));
        assertTrue(publish.at("/Condition/ArnLike/aws:SourceArn/Fn::Sub").asText().endsWith(ALARM_ARNS), publish.toString());
        assertEquals(ref("AWS::AccountId"), publish.at("/Condition/StringEquals/aws:SourceAccount"));

        JsonNode useKey = statementFor(properties(template, "RunNotificationsKey").at("/KeyPolicy/Statement"));
        assertEquals(Set.of("kms:GenerateDataKey", "kms:Decrypt"), Set.copyOf(texts(useKey.path("Action"))));
        assertTrue(useKey.at("/Condition/ArnLike/aws:SourceArn/Fn::Sub").asText().endsWith(ALARM_ARNS), useKey.toString());
    }

    // ------------------------------------------------------------------ queues

    /** Queues of {@code template} without an alarm on their depth that notifies RunNotificationsTopic. */
    static Set<String> queuesWithoutDepthAlarm(JsonNode template) {
        Set<String> missing = new TreeSet<>(resourcesOfType(template, "AWS::SQS::Queue").keySet());
        resourcesOfType(template, "AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            JsonNode properties = alarm.path("Properties");
            boolean depth = "AWS/SQS".equals(properties.path("Namespace").asText())
                    && "ApproximateNumberOfMessagesVisible".equals(properties.path("MetricName").asText())
                    && properties.path("Threshold").asInt(Integer.MAX_VALUE) <= 1
                    && toList(properties.path("AlarmActions")).contains(ref("RunNotificationsTopic"));
            if (depth) {
                for (JsonNode dimension : properties.path("Dimensions")) {
                    if ("QueueName".equals(dimension.path("Name").asText())) {
                        JsonNode queue = dimension.at("/Value/Fn::GetAtt");
                        if ("QueueName".equals(queue.path(1).asText())) {
                            missing.remove(queue.path(0).asText());
                        }
                    }
                }
            }
        });
        return missing;
    }

    @Test
    void everyQueueHasADepthAlarm() {
        assertEquals(Set.of(), queuesWithoutDepthAlarm(template));
    }

    /** The block docs/operations.md gives for a dead-letter queue satisfies the check above, which a bare queue fails. */
    @Test
    void theDocumentedQueueAlarmIsTheOneTheCheckWants() throws IOException {
        ObjectNode withQueue = template.deepCopy();
        ((ObjectNode) withQueue.path("Resources")).putObject("RunScheduledDeadLetterQueue").put("Type", "AWS::SQS::Queue");
        assertEquals(Set.of("RunScheduledDeadLetterQueue"), queuesWithoutDepthAlarm(withQueue), "a queue without alarm");

        String operations = Files.readString(ProjectFiles.root().resolve("docs/operations.md"));
        Matcher block = Pattern.compile("```yaml\n(.*?ApproximateNumberOfMessagesVisible.*?)```", Pattern.DOTALL)
                .matcher(operations);
        assertTrue(block.find(), "docs/operations.md has no yaml block with a queue alarm");
        JsonNode snippet = CloudFormationYaml.parse(block.group(1));
        snippet.properties().forEach(resource -> ((ObjectNode) withQueue.path("Resources")).set(resource.getKey(), resource.getValue()));
        assertEquals(Set.of(), queuesWithoutDepthAlarm(withQueue), "the documented alarm covers the queue");
        assertEquals(getAtt("RunScheduledDeadLetterQueue", "QueueName"),
                snippet.at("/RunScheduledDeadLetterQueueAlarm/Properties/Dimensions/0/Value"));
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode statementFor(JsonNode statements) {
        JsonNode found = null;
        for (JsonNode statement : statements) {
            if ("cloudwatch.amazonaws.com".equals(statement.at("/Principal/Service").asText())) {
                assertTrue(found == null, "one statement for CloudWatch");
                found = statement;
            }
        }
        assertTrue(found != null, "no statement for cloudwatch.amazonaws.com in " + statements);
        return found;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
