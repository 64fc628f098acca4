package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exchange keys and input names: a name can never leave its run's in/ folder. */
class ExchangeFolderTest {

    @Test
    void keysLieUnderTheRunsInAndOutFolders() {
        RunId run = new RunId(42);
        assertEquals("exchange/42/", ExchangeFolder.prefix(run));
        assertEquals("exchange/42/in/", ExchangeFolder.prefix(run, ExchangeFolder.Side.IN));
        assertEquals("exchange/42/out/", ExchangeFolder.prefix(run, ExchangeFolder.Side.OUT));
        assertEquals("exchange/42/in/params.txt", ExchangeFolder.key(run, ExchangeFolder.Side.IN, "params.txt"));
    }

    @Test
    void acceptsPlainNamesExactlyAndOnceEach() {
        assertEquals(List.of("params.txt", "mesh v2.dat", ".hidden", "a.b"),
                ExchangeFolder.names(List.of("params.txt", "mesh v2.dat", "params.txt", ".hidden", "a.b")));
        assertEquals(List.of(), ExchangeFolder.names(null));
        assertEquals(List.of(), ExchangeFolder.names(List.of()));
    }

    @Test
    void refusesAnEmptyNameRatherThanSkippingIt() {
        // `inputs=` and `inputs=a,,b` in a form: a name of 0 characters is outside 1 to 200
        for (List<String> names : List.of(List.of(""), List.of("a", "", "b"))) {
            InvalidInput refused = assertThrows(InvalidInput.class, () -> ExchangeFolder.names(names), names.toString());
            assertTrue(refused.getMessage().contains("1 to 200 characters"), refused.getMessage());
        }
    }

    @Test
    void refusesANameWithWhitespaceAroundItRatherThanTrimmingIt() {
        for (String name : List.of("  ", " params.txt", "params.txt ", "params.txt\n")) {
            InvalidInput refused = assertThrows(InvalidInput.class, () -> ExchangeFolder.names(List.of(name)), name);
            assertTrue(refused.getMessage().startsWith("input name"), refused.getMessage());
        }
    }

    @Test
    void refusesSlashesDotDotControlCharactersAndLongNames() {
        for (String bad : List.of("in/x", "..", ".", "a..b", "..\\x", "x\\y", "../out/x", "tab\tname", "nul\u0000",
                "line\u2028break", "lone\ud800", "a".repeat(201))) {
            InvalidInput refused = assertThrows(InvalidInput.class, () -> ExchangeFolder.names(List.of(bad)), bad);
            assertTrue(refused.getMessage().startsWith("input name"), refused.getMessage());
        }
        assertEquals(1, ExchangeFolder.names(List.of("a".repeat(200))).size(), "200 characters are fine");
    }

    @Test
    void refusesMoreThanAHundredFiles() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add("f" + i);
        }
        assertEquals(100, ExchangeFolder.names(names).size());
        names.add("f100");
        InvalidInput refused = assertThrows(InvalidInput.class, () -> ExchangeFolder.names(names));
        assertTrue(refused.getMessage().contains("at most 100"), refused.getMessage());
    }
}
