package lackey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void numbersAndBooleansAreTypedAndTheRestAreStrings() {
        assertEquals("{\"lr\":0.01,\"steps\":100,\"big\":1E+3,\"neg\":-2,\"ok\":true,\"mesh\":\"fine\",\"zip\":\"007\",\"eq\":\"a=b\",\"empty\":\"\"}",
                Params.parse(List.of("lr=0.01", "steps=100", "big=1e3", "neg=-2", "ok=true", "mesh=fine", "zip=007", "eq=a=b", "empty=")).toString());
    }

    @Test
    void aParamWithoutKeyIsAUsageError() {
        assertEquals("--param takes key=value, not 'lr'", assertThrows(CliFailure.class, () -> Params.parse(List.of("lr"))).getMessage());
        assertEquals(ExitCode.USAGE, assertThrows(CliFailure.class, () -> Params.parse(List.of("=1"))).exitCode());
    }
}
