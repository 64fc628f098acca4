package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Grids and lists of params become the runs of a sweep, in a fixed order, within the limits. */
class SweepSpecTest {

    private static final RunSpec COMMON = new RunSpec("train", Optional.of("sh train.sh"), Map.of(), List.of("nightly"));

    private static Map<String, List<Object>> axes(Object... nameThenValues) {
        var axes = new LinkedHashMap<String, List<Object>>();
        for (int i = 0; i < nameThenValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) nameThenValues[i + 1];
            axes.put((String) nameThenValues[i], values);
        }
        return axes;
    }

    private static BigDecimal n(String number) {
        return new BigDecimal(number);
    }

    @Test
    void gridIsTheCartesianProductWithTheLastParamVaryingFastest() {
        SweepSpec sweep = SweepSpec.grid(COMMON, axes("lr", List.of(n("0.1"), n("0.01")), "layers", List.of(n("2"), n("4"), n("8"))));
        assertEquals(6, sweep.size());
        assertEquals(List.of(
                Map.of("lr", n("0.1"), "layers", n("2")), Map.of("lr", n("0.1"), "layers", n("4")), Map.of("lr", n("0.1"), "layers", n("8")),
                Map.of("lr", n("0.01"), "layers", n("2")), Map.of("lr", n("0.01"), "layers", n("4")), Map.of("lr", n("0.01"), "layers", n("8"))),
                sweep.runs());
        assertEquals(List.of("lr", "layers"), new ArrayList<>(sweep.runs().getFirst().keySet()), "params keep the grid's order");
    }

    @Test
    void gridOrderIsTheSameEveryTime() {
        var grid = axes("a", List.of("x", "y"), "b", List.of(true, false), "c", List.of(n("1"), n("2"), n("3")));
        assertEquals(SweepSpec.grid(COMMON, grid).runs(), SweepSpec.grid(COMMON, grid).runs());
        assertEquals(12, SweepSpec.grid(COMMON, grid).size());
        assertEquals(Map.of("a", "y", "b", false, "c", n("3")), SweepSpec.grid(COMMON, grid).runs().getLast());
    }

    @Test
    void gridOfTenThousandIsAcceptedAndOneMoreIsTooLarge() {
        List<Object> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(n(Integer.toString(i)));
        }
        assertEquals(SweepSpec.MAX_RUNS, SweepSpec.grid(COMMON, axes("a", hundred, "b", hundred)).size());
        var tooMany = axes("a", hundred, "b", hundred, "c", List.of(n("1"), n("2")));
        TooLarge refused = assertThrows(TooLarge.class, () -> SweepSpec.grid(COMMON, tooMany));
        assertTrue(refused.getMessage().contains("100 × 100 × 2"), refused.getMessage());
    }

    @Test
    void hugeGridIsRefusedBeforeItIsBuilt() {
        List<Object> thousand = Collections.nCopies(1000, n("1"));
        // 10^15 runs: refused from the sizes alone, without building (or overflowing on) the product
        assertThrows(TooLarge.class, () -> SweepSpec.grid(COMMON, axes("a", thousand, "b", thousand, "c", thousand, "d", thousand, "e", thousand)));
    }

    @Test
    void emptyGridOrEmptyAxisIsInvalid() {
        assertThrows(InvalidInput.class, () -> SweepSpec.grid(COMMON, Map.of()));
        InvalidInput empty = assertThrows(InvalidInput.class, () -> SweepSpec.grid(COMMON, axes("lr", List.of(n("1")), "layers", List.of())));
        assertTrue(empty.getMessage().contains("grid.layers"), empty.getMessage());
    }

    @Test
    void listKeepsItsOrderAndSharedParamsAreDefaultsARunOverrides() {
        RunSpec common = new RunSpec("eval", Optional.empty(), Map.of("steps", n("100"), "lr", n("0.5")), List.of());
        SweepSpec sweep = SweepSpec.list(common, List.of(Map.of("lr", n("0.1")), Map.of(), Map.of("seed", n("7"))));
        assertEquals(List.of(
                Map.of("steps", n("100"), "lr", n("0.1")),
                Map.of("steps", n("100"), "lr", n("0.5")),
                Map.of("steps", n("100"), "lr", n("0.5"), "seed", n("7"))), sweep.runs());
    }

    @Test
    void emptyListIsInvalidAndMoreThanTenThousandIsTooLarge() {
        assertThrows(InvalidInput.class, () -> SweepSpec.list(COMMON, List.of()));
        assertEquals(SweepSpec.MAX_RUNS, SweepSpec.list(COMMON, Collections.nCopies(SweepSpec.MAX_RUNS, Map.of())).size());
        assertThrows(TooLarge.class, () -> SweepSpec.list(COMMON, Collections.nCopies(SweepSpec.MAX_RUNS + 1, Map.of())));
    }

    @Test
    void aBadRunIsNamedByItsPlaceInTheList() {
        var runs = List.<Map<String, Object>>of(Map.of("ok", n("1")), Map.of("bad", List.of("not", "a", "scalar")));
        InvalidInput refused = assertThrows(InvalidInput.class, () -> SweepSpec.list(COMMON, runs));
        assertTrue(refused.getMessage().startsWith("run 2 of the sweep: param 'bad'"), refused.getMessage());
    }

    @Test
    void paramsTooLargeForTheAnswerAreRefused() {
        String kilobytes = "x".repeat(4000);
        // 1,000 runs of 4 KB of params: 4 MB, more than the answer can carry beside ids and tokens
        var runs = Collections.nCopies(1000, Map.<String, Object>of("blob", kilobytes));
        assertThrows(TooLarge.class, () -> SweepSpec.list(COMMON, runs));
        assertEquals(500, SweepSpec.list(COMMON, Collections.nCopies(500, Map.<String, Object>of("blob", kilobytes))).size());
    }

    @Test
    void eachRunGetsTheSharedFieldsAndTheSweepTagAfterItsOwnTags() {
        var timeouts = new Timeouts(java.time.Duration.ofSeconds(60), Optional.empty(), java.time.Duration.ofHours(2));
        RunSpec common = new RunSpec("train", Optional.of("sh train.sh"), Map.of(), List.of("nightly"), timeouts);
        RunSpec second = SweepSpec.grid(common, axes("lr", List.of(n("0.1"), n("0.2")))).spec(1, SweepSpec.tag(new RunId(17)));
        assertEquals("train", second.name());
        assertEquals(Optional.of("sh train.sh"), second.command());
        assertEquals(List.of("nightly", "sweep-17"), second.tags());
        assertEquals(Map.of("lr", n("0.2")), second.params());
        assertEquals(timeouts, second.timeouts());
    }

    @Test
    void theSweepTagNeedsRoomAmongTheTags() {
        var nineteen = new ArrayList<String>();
        for (int i = 0; i < RunSpec.MAX_TAGS - 1; i++) {
            nineteen.add("t" + i);
        }
        RunSpec roomForOne = new RunSpec("x", Optional.empty(), Map.of(), nineteen);
        assertEquals(RunSpec.MAX_TAGS, SweepSpec.list(roomForOne, List.of(Map.of())).spec(0, "sweep-1").tags().size());
        nineteen.add("t-last");
        RunSpec full = new RunSpec("x", Optional.empty(), Map.of(), nineteen);
        assertThrows(InvalidInput.class, () -> SweepSpec.list(full, List.of(Map.of())));
    }
}
