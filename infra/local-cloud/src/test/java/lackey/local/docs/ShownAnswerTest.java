package lackey.local.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doc test's reading of the docs: how a shown answer is matched, and how a block is cut into commands. */
class ShownAnswerTest {

    private static Optional<String> check(String shown, String output) {
        return ShownAnswer.parse(List.of(shown.split("\n"))).mismatch(output);
    }

    @Test
    void anEllipsisMemberStandsForTheOtherMembers() {
        assertEquals(Optional.empty(), check("{\"id\":1,\"name\":\"seed\",…,\"token\":\"…\"}",
                "{\"id\":1,\"name\":\"seed\",\"status\":\"SCHEDULED\",\"token\":\"4b0c-12\"}"));
        assertEquals(Optional.empty(), check("{\"id\":1,...}", "{\"status\":\"X\",\"id\":1}\n"));
    }

    @Test
    void whatIsShownMustBeThereExactly() {
        assertTrue(check("{\"id\":1,…}", "{\"id\":2}").orElseThrow().contains("$.id"));
        assertTrue(check("{\"id\":1,\"status\":\"FINISHED\",…}", "{\"id\":1}").orElseThrow().contains("missing"));
        assertTrue(check("{\"id\":1}", "{\"id\":1,\"extra\":true}").orElseThrow().contains("not shown"));
        assertTrue(check("{\"n\":1.50}", "{\"n\":1.5}").isEmpty(), "numbers compare by value");
        assertTrue(check("{\"log\":\"s3://…/logs/1/….log\"}", "{\"log\":\"s3://b/logs/2/x.log\"}").isPresent());
    }

    @Test
    void arraysShowTheirHeadAndTail() {
        String output = "{\"runs\":[{\"id\":5},{\"id\":4},{\"id\":3}]}";
        assertTrue(check("{\"runs\":[{\"id\":5,…},…]}", output).isEmpty());
        assertTrue(check("{\"runs\":[…,{\"id\":3}]}", output).isEmpty());
        assertTrue(check("{\"runs\":[{\"id\":5},{\"id\":4}]}", output).orElseThrow().contains("2 elements"));
        assertTrue(check("{\"runs\":[]}", output).isPresent());
    }

    @Test
    void anHttpAnswerShowsItsStatusAndSomeHeaders() {
        String output = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nlocation: /api/run/7\r\n\r\n{\"id\":7}";
        assertTrue(check("HTTP/1.1 201 Created\nlocation: /api/run/…\n{\"id\":7}", output).isEmpty());
        assertTrue(check("HTTP/1.1 200 OK\n{\"id\":7}", output).orElseThrow().contains("status 200"));
        assertTrue(check("HTTP/1.1 201 Created\nlocation: /api/run/8\n{…}", output).orElseThrow().contains("location"));
    }

    @Test
    void linesMatchInOrderAndALoneEllipsisSkipsLines() {
        String output = "{\"id\":3}\n{\"id\":2}\n{\"id\":1}\n";
        assertTrue(check("{\"id\":3}\n…", output).isEmpty());
        assertTrue(check("…\n{\"id\":1}", output).isEmpty());
        assertTrue(check("{\"id\":3}", output).orElseThrow().contains("goes on"));
        assertTrue(check("asdf 123", "asdf 123\n").isEmpty());
        assertTrue(check("asdf …", "asdf 123\n").isEmpty());
        assertTrue(check("asdf 124", "asdf 123\n").isPresent());
    }

    @Test
    void aShownJsonValueMaySpanLines() {
        assertTrue(check("{\"a\":1,\n \"b\":[1,\n 2]}", "{\"a\":1,\"b\":[1,2]}").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ShownAnswer.parse(List.of("{\"a\":")));
    }

    @Test
    void aBlockIsCutIntoCompleteCommandsWithTheirAnswers(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, """
                text
                ```sh
                # a comment
                curl -s http://127.0.0.1:8000/api/run/1 \\
                     -H 'accept: application/json'
                #   {"id":1,…}
                while :; do
                  echo once
                  break
                done
                x=1
                ```
                ```sh aws
                sam deploy --guided
                ```
                ```json
                {"not": "run"}
                ```
                """);
        DocExamples examples = DocExamples.read(doc);
        assertEquals(2, examples.blocks().size());
        var commands = examples.blocks().getFirst().commands();
        assertEquals(3, commands.size(), commands.toString());
        assertEquals(4, commands.get(0).line());
        assertEquals(List.of("{\"id\":1,…}"), commands.get(0).answer());
        assertTrue(commands.get(1).text().startsWith("while") && commands.get(1).text().endsWith("done"));
        assertEquals(DocExamples.Kind.AWS, examples.blocks().get(1).kind());
    }

    @Test
    void otherShellFencesAreRefusedSoNoExampleEscapesTheTest(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, "```bash\necho hi\n```\n");
        assertThrows(IllegalArgumentException.class, () -> DocExamples.read(doc));
    }
}
