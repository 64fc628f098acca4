package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core imports only the JDK: no AWS, no Jackson, no Lambda. A plain source scan keeps it so. */
class CoreIsPureTest {

    @Test
    void coreImportsOnlyTheJdk() throws IOException {
        Path core = Path.of("src/main/java/lackey/run");
        List<String> offending;
        try (Stream<Path> files = Files.list(core)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertTrue(sources.size() > 10, "expected the core sources under " + core.toAbsolutePath());
            offending = sources.stream()
                    .flatMap(CoreIsPureTest::imports)
                    .filter(line -> !line.startsWith("import java.") && !line.startsWith("import static java."))
                    .toList();
        }
        assertEquals(List.of(), offending);
    }

    private static Stream<String> imports(Path source) {
        try {
            return Files.readAllLines(source).stream().map(String::strip).filter(l -> l.startsWith("import "))
                    .map(l -> l + "  // " + source.getFileName());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
