package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputFileTest {

    @Test
    void readsRunAndNameFromAnOutputKey() {
        assertEquals(Optional.of(new OutputFile(new RunId(12), "result.csv")), OutputFile.fromKey("exchange/12/out/result.csv"));
        assertEquals("exchange/12/out/result.csv", new OutputFile(new RunId(12), "result.csv").key());
    }

    @Test
    void inputsOtherKeysAndMalformedKeysAreNoOutputs() {
        for (String key : new String[] {"exchange/12/in/params.txt", "exchange/12/out/", "exchange/0/out/a", "exchange/-1/out/a",
                "exchange/abc/out/a", "exchange/12/out/sub/a", "exchange/12/out/..", "logs/12/1.log", "exchange/12",
                "exchange//out/a", "exchange/12/out/a\nb", ""}) {
            assertTrue(OutputFile.fromKey(key).isEmpty(), key);
        }
    }
}
