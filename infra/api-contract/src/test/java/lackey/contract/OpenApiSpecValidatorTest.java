package lackey.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second opinion from another implementation: the Python {@code openapi-spec-validator} (OpenAPI 3.1
 * mode) accepts openapi.yaml and refuses a broken copy. It is not part of the build's dependencies: install
 * it with {@code pip install openapi-spec-validator}; where it is missing this test is skipped, saying so.
 */
class OpenApiSpecValidatorTest {

    private static final String TOOL = "openapi-spec-validator";

    @TempDir
    Path temp;

    @Test
    void openApiSpecValidatorAcceptsOpenapiYaml() throws Exception {
        Result result = validate(ApiContract.find());
        assertEquals(0, result.exitCode(), () -> TOOL + " refused " + ApiContract.FILE_NAME + ":\n" + result.output());
        assertTrue(result.output().contains(": OK"), result.output());
    }

    @Test
    void openApiSpecValidatorRefusesABrokenCopy() throws Exception {
        ObjectNode broken = ApiContract.ofRepository().document().deepCopy();
        ((ObjectNode) broken.at("/components/schemas/Run/properties/id")).put("$ref", "#/components/schemas/RunIdentifier");
        Path copy = temp.resolve("openapi.yaml");
        new YAMLMapper().writeValue(copy.toFile(), broken);
        Result result = validate(copy);
        assertNotEquals(0, result.exitCode(), () -> TOOL + " accepted a copy with a dangling $ref:\n" + result.output());
        assertTrue(result.output().contains("RunIdentifier"), result.output());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result validate(Path file) throws Exception {
        Path tool = onPath(TOOL).orElse(null);
        Assumptions.assumeTrue(tool != null, TOOL + " is not installed (not on PATH): install it with "
                + "`pip install openapi-spec-validator` to get this second opinion on " + ApiContract.FILE_NAME);
        List<String> command = new ArrayList<>(List.of(tool.toString(), "--schema", "3.1", "--validation-errors", "all",
                file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), TOOL + " did not finish");
        return new Result(process.exitValue(), output);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
