package lackey.local.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lints template.yaml with cfn-lint, AWS's CloudFormation linter (what {@code sam validate --lint} runs): no error
 * and no warning. A rule the project decides to ignore is ignored inside template.yaml (its Metadata cfn-lint
 * config), with the reason beside it. Informational findings are printed, not failed on.
 */
class CfnLintTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Finding> findings;

    /** One cfn-lint finding: rule, level (Error, Warning, Informational), message and where. */
    record Finding(String rule, String level, String message, String path, int line) {

        @Override
        public String toString() {
            return level + " " + rule + " line " + line + " " + path + ": " + message;
        }
    }

    /** Each test needs cfn-lint; template.yaml is linted once, by the first test that runs. */
    @BeforeEach
    void lintTheTemplateOnce() throws IOException {
        TemplateTools.assumeCfnLint();
        if (findings != null) {
            return;
        }
        findings = lint(ProjectFiles.template());
        findings.stream().filter(f -> f.level().equals("Informational"))
                .collect(Collectors.groupingBy(Finding::rule, TreeMap::new, Collectors.toList()))
                .forEach((rule, same) -> System.out.println("cfn-lint informational (allowed): " + rule + " x" + same.size()
                        + ", e.g. " + same.getFirst()));
    }

    static List<Finding> lint(Path template) throws IOException {
        TemplateTools.Run run = TemplateTools.run(List.of("cfn-lint", "--format", "json", "--include-checks", "I",
                "--template", template.toString()), Map.of());
        // Its exit code is a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
        assertTrue(run.exitCode() != 1 && run.exitCode() < 16 && run.stdout().strip().startsWith("["), run::toString);
        List<Finding> found = new ArrayList<>();
        for (JsonNode finding : JSON.readTree(run.stdout())) {
            found.add(new Finding(finding.at("/Rule/Id").asText(), finding.path("Level").asText(),
                    finding.path("Message").asText(), finding.at("/Location/Path").toString(),
                    finding.at("/Location/Start/LineNumber").asInt()));
        }
        return found;
    }

    @Test
    void templateHasNoErrorOrWarning() {
        List<Finding> serious = findings.stream().filter(f -> !f.level().equals("Informational")).toList();
        assertTrue(serious.isEmpty(), () -> "cfn-lint finds in template.yaml:\n"
                + serious.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                Arguments.of("a Ref to a resource that does not exist", "LACKEY_TABLE: !Ref RunsTable",
                        "LACKEY_TABLE: !Ref RunTable", "E", "RunTable"),
                Arguments.of("a runtime Lambda does not have", "Runtime: provided.al2023", "Runtime: provided.al2032", "E", "provided.al2032"),
                Arguments.of("a retained table that a replacement would still delete",
                        "    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n", "    DeletionPolicy: Retain\n", "W",
                        "RunsTable"));
    }

    /** Shows the lint check has teeth: each mistake is found at the level that fails the check above. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void findsTheMistakeInABrokenTemplate(String mistake, String find, String replacement, String levelLetter, String culprit,
                                          @TempDir Path folder) throws IOException {
        List<Finding> found = lint(TemplateTools.brokenCopy(folder, find, replacement));
        assertTrue(found.stream().anyMatch(f -> f.rule().startsWith(levelLetter) && !f.level().equals("Informational")
                        && (f.message() + f.path()).contains(culprit)),
                () -> mistake + ": cfn-lint did not report it:\n" + found.stream().map(Finding::toString)
                        .collect(Collectors.joining("\n")));
    }
}
