package lackey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepPlanTest {

    @TempDir
    Path folder;

    @Test
    void aGridIsEveryCombinationWithTheLastParamVaryingFastestAndTypedValues() {
        List<ObjectNode> runs = SweepPlan.grid(List.of("lr=0.1,0.01", "layers=2,4,8", "mesh=fine"));
        assertEquals(6, runs.size());
        assertEquals("{\"lr\":0.1,\"layers\":2,\"mesh\":\"fine\"}", runs.get(0).toString());
        assertEquals("{\"lr\":0.1,\"layers\":4,\"mesh\":\"fine\"}", runs.get(1).toString());
        assertEquals("{\"lr\":0.01,\"layers\":8,\"mesh\":\"fine\"}", runs.get(5).toString());
    }

    @Test
    void aSweepOfMoreThanTenThousandRunsGoesInSeveralCallsOfAtMostTenThousand() {
        List<ObjectNode> runs = SweepPlan.grid(List.of("a=1,2,3,4,5", "b=" + range(5000)));
        assertEquals(25_000, runs.size());
        List<List<ObjectNode>> calls = SweepPlan.calls(runs, Json.MAPPER.createObjectNode());
        assertEquals(List.of(10_000, 10_000, 5_000), calls.stream().map(List::size).toList());
        assertEquals(runs, calls.stream().flatMap(List::stream).toList(), "every run once, in order");
        assertEquals(List.of(10_000), SweepPlan.calls(runs.subList(0, 10_000), Json.MAPPER.createObjectNode()).stream()
                .map(List::size).toList(), "exactly 10,000 is one call");
    }

    @Test
    void largeParamsCutCallsBeforeTheApisThreeMillionCharacters() {
        List<ObjectNode> runs = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            runs.add(Json.MAPPER.createObjectNode().put("i", i).put("blob", "x".repeat(990)));
        }
        ObjectNode shared = Json.MAPPER.createObjectNode().put("shared", "y".repeat(100));
        List<List<ObjectNode>> calls = SweepPlan.calls(runs, shared);
        for (List<ObjectNode> call : calls) {
            long chars = call.stream().mapToLong(run -> run.toString().length() + shared.toString().length()).sum();
            assertEquals(true, chars <= SweepPlan.MAX_PARAM_CHARS_PER_CALL, chars + " characters");
        }
        assertEquals(3, calls.size());
    }

    @Test
    void aCsvFileIsAHeaderOfNamesAndOneRowPerRunWithQuotedCells() throws IOException {
        Path csv = folder.resolve("runs.csv");
        Files.writeString(csv, "seed,lr,note\n1,0.1,plain\r\n2,0.5,\"with, comma and \"\"quotes\"\"\"\n\n");
        List<ObjectNode> runs = SweepPlan.csv(csv);
        assertEquals(2, runs.size());
        assertEquals("{\"seed\":1,\"lr\":0.1,\"note\":\"plain\"}", runs.get(0).toString());
        assertEquals("{\"seed\":2,\"lr\":0.5,\"note\":\"with, comma and \\\"quotes\\\"\"}", runs.get(1).toString());
        Files.writeString(csv, "seed,lr\n1\n");
        assertEquals(csv + ": row 2 has 1 values, the header 2",
                assertThrows(CliFailure.class, () -> SweepPlan.csv(csv)).getMessage());
    }

    @Test
    void aJsonFileIsAnArrayOfParamsObjects() throws IOException {
        Path json = folder.resolve("runs.json");
        Files.writeString(json, "[{\"seed\":1},{\"seed\":2,\"lr\":0.5}]");
        assertEquals(List.of("{\"seed\":1}", "{\"seed\":2,\"lr\":0.5}"), SweepPlan.json(json).stream().map(Object::toString).toList());
        Files.writeString(json, "{\"seed\":1}");
        assertEquals(ExitCode.USAGE, assertThrows(CliFailure.class, () -> SweepPlan.json(json)).exitCode());
    }

    @Test
    void badGridsAreUsageErrors() {
        for (List<String> grid : List.of(List.of("lr"), List.of("lr="), List.of("lr=1,,2"), List.of("a=1", "a=2"))) {
            assertEquals(ExitCode.USAGE, assertThrows(CliFailure.class, () -> SweepPlan.grid(grid)).exitCode(), grid.toString());
        }
        CliFailure tooMany = assertThrows(CliFailure.class, () -> SweepPlan.grid(List.of("a=" + range(1001), "b=" + range(1000))));
        assertEquals("a sweep of 1001000 runs is more than 1000000, the most the CLI sends", tooMany.getMessage());
    }

    private static String range(int count) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            values.append(i == 1 ? "" : ",").append(i);
        }
        return values.toString();
    }
}
