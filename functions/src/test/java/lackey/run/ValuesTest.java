package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The small value types of the core: ids, tokens, timestamps, stop reports and specs. */
class ValuesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void parsesSeedRunId() {
        assertEquals(1, RunId.parse("1").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "", "99999999999999999999"})
    void rejectsMalformedRunIds(String text) {
        assertThrows(InvalidInput.class, () -> RunId.parse(text));
    }

    @Test
    void tokenHashIsSha256Hex() {
        // sha256("abc"), the FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Token.presented("abc").hash().hex());
    }

    @Test
    void generatedTokensAreUuidV4AndNeverPrinted() {
        Token token = Token.generate();
        assertTrue(token.reveal().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        assertFalse(token.toString().contains(token.reveal()));
        assertFalse(Token.generate().reveal().equals(token.reveal()));
    }

    @Test
    void missingTokenIsBadInput() {
        assertThrows(InvalidInput.class, () -> Token.presented(" "));
    }

    @Test
    void keepsSeedTimestampAsGiven() {
        assertEquals(1369312595L, ClientTime.parse("ts", "1369312595", NOW).epochSeconds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "abc", "1.5", "1e9", "", "99999999999"})
    void rejectsBadTimestamps(String text) {
        assertThrows(InvalidInput.class, () -> ClientTime.parse("ts", text, NOW));
    }

    @Test
    void acceptsSmallClockLeadButNotFarFuture() {
        long inAnHour = NOW.plusSeconds(3600).getEpochSecond();
        assertEquals(inAnHour, ClientTime.parse("ts", Long.toString(inAnHour), NOW).epochSeconds());
        long inTwoDays = NOW.plusSeconds(2 * 86400).getEpochSecond();
        assertThrows(InvalidInput.class, () -> ClientTime.parse("ts", Long.toString(inTwoDays), NOW));
    }

    @Test
    void stopDefaultsToFinished() {
        assertEquals(new StopReport(RunStatus.FINISHED, Optional.empty()), StopReport.parse(null, ""));
    }

    @Test
    void nonZeroExitMeansFailed() {
        assertEquals(new StopReport(RunStatus.FAILED, Optional.of(3)), StopReport.parse(null, "3"));
        assertEquals(new StopReport(RunStatus.FINISHED, Optional.of(0)), StopReport.parse("finished", "0"));
    }

    @Test
    void contradictoryOrUnknownStopIsBadInput() {
        assertThrows(InvalidInput.class, () -> StopReport.parse("FINISHED", "1"));
        assertThrows(InvalidInput.class, () -> StopReport.parse("CANCELLED", null));
        assertThrows(InvalidInput.class, () -> StopReport.parse(null, "x"));
    }

    @Test
    void specNormalisesParamsAndTags() {
        var spec = new RunSpec(" sweep ", Optional.of(" "), Map.of("n", 3, "lr", 0.5, "on", true, "x", "y"),
                List.of("a", " a", "b"));
        assertEquals("sweep", spec.name());
        assertFalse(spec.dispatched(), "a blank command is no command");
        assertEquals(BigDecimal.valueOf(3), spec.params().get("n"));
        assertEquals(List.of("a", "b"), spec.tags());
    }

    @Test
    void specRejectsAnEmptyTag() {
        for (List<String> tags : List.of(List.of(""), List.of("a", " ", "b"))) {
            InvalidInput refused = assertThrows(InvalidInput.class,
                    () -> new RunSpec("x", Optional.empty(), Map.of(), tags), tags.toString());
            assertTrue(refused.getMessage().contains("1 to 64 characters"), refused.getMessage());
        }
    }

    @Test
    void onlyARunWithACommandCanBeWrapped() {
        var wrapped = new RunSpec("w", Optional.of("python train.py"), Map.of(), List.of(), Timeouts.DEFAULTS,
                Optional.empty(), true);
        assertTrue(wrapped.wrap() && wrapped.dispatched());
        assertFalse(new RunSpec("w", Optional.of("sh x.sh"), Map.of(), List.of()).wrap(), "not wrapped unless asked");
        InvalidInput refused = assertThrows(InvalidInput.class, () -> new RunSpec("w", Optional.empty(), Map.of(),
                List.of(), Timeouts.DEFAULTS, Optional.empty(), true));
        assertEquals("wrap needs a command: the wrapper runs a dispatched run's command and reports for it",
                refused.getMessage());
    }

    @Test
    void specRejectsNestedParamsAndMissingName() {
        assertThrows(InvalidInput.class, () -> new RunSpec("x", Optional.empty(), Map.of("deep", Map.of()), List.of()));
        assertThrows(InvalidInput.class, () -> new RunSpec(null, Optional.empty(), Map.of(), List.of()));
    }
}
