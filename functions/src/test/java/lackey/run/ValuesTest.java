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
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "", "99999999999999999999", "01", "007", "+1", " 1", "1 ", "1\n",
            "\uFF15\uFF18\uFF17", "\u0665", "\u0967", "1\u0660"})
    void rejectsMalformedRunIds(String text) {
        assertThrows(InvalidInput.class, () -> RunId.parse(text));
    }

    @Test
    void tokenHashIsSha256Hex() {
        // sha256 of the seed's token, as `printf %s 99ee72e2-764d-42a9-b3a1-5c38d1647f28 | sha256sum` gives it
        assertEquals("1586d1f4f367ab54bd9da3a5f101a9e1afef605ecefe3a022ddc81da31b000ec",
                Token.presented("99ee72e2-764d-42a9-b3a1-5c38d1647f28").hash().hex());
    }

    @ParameterizedTest
    @ValueSource(strings = {" 99ee72e2-764d-42a9-b3a1-5c38d1647f28", "99ee72e2-764d-42a9-b3a1-5c38d1647f28 ",
            "99ee72e2-764d-42a9-b3a1-5c38d1647f28\n", "99EE72E2-764D-42A9-B3A1-5C38D1647F28", "99ee72e2+764d-42a9-b3a1-5c38d1647f28",
            "99ee72e2764d42a9b3a15c38d1647f28", "99ee72e2-764d-42a9-b3a1-5c38d1647f2", "99ee72e2-764d-42a9-b3a1-5c38d1647f288",
            "99ee72e2-764d-42a9-b3a1-5c38d1647f2g", "abc", "{99ee72e2-764d-42a9-b3a1-5c38d1647f28}"})
    void aTokenIsExactlyATokenOrItIsBadInput(String presented) {
        InvalidInput refused = assertThrows(InvalidInput.class, () -> Token.presented(presented));
        assertFalse(refused.getMessage().contains(presented.strip()), "the message never repeats the token");
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
    @ValueSource(strings = {"-5", "abc", "1.5", "1e9", "", "99999999999", "01369312595", "+1369312595", " 1369312595",
            "1369312595 ", "1369312595\n", "-0", "\u0661\u0662\u0663", "\uFF11\uFF13\uFF16\uFF19"})
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
        assertEquals(new StopReport(RunStatus.FINISHED, Optional.empty()), StopReport.parse(null, null));
    }

    @Test
    void nonZeroExitMeansFailed() {
        assertEquals(new StopReport(RunStatus.FAILED, Optional.of(3)), StopReport.parse(null, "3"));
        assertEquals(new StopReport(RunStatus.FAILED, Optional.of(-1073741819)), StopReport.parse(null, "-1073741819"));
        assertEquals(new StopReport(RunStatus.FINISHED, Optional.of(0)), StopReport.parse("FINISHED", "0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+2", "02", "-0", " 2", "2 ", "2.0", "\u0662", "\uFF12", "2147483648", "-2147483649"})
    void anExitCodeIsAWholeNumberInTheOneForm(String exit) {
        assertThrows(InvalidInput.class, () -> StopReport.parse(null, exit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"finished", "Failed", " FAILED", "FAILED ", ""})
    void aStatusIsWrittenExactlyAsTheApiWritesIt(String status) {
        assertThrows(InvalidInput.class, () -> StopReport.parse(status, null));
    }

    @Test
    void contradictoryOrUnknownStopIsBadInput() {
        assertThrows(InvalidInput.class, () -> StopReport.parse("FINISHED", "1"));
        assertThrows(InvalidInput.class, () -> StopReport.parse("CANCELLED", null));
        assertThrows(InvalidInput.class, () -> StopReport.parse(null, "x"));
    }

    @Test
    void specTakesNumbersAsDecimalsAndTagsOnceEach() {
        var spec = new RunSpec("sweep", Optional.empty(), Map.of("n", 3, "lr", 0.5, "on", true, "x", "y"),
                List.of("a", "a", "b"));
        assertEquals("sweep", spec.name());
        assertFalse(spec.dispatched());
        assertEquals(BigDecimal.valueOf(3), spec.params().get("n"));
        assertEquals(List.of("a", "b"), spec.tags());
        assertThrows(InvalidInput.class, () -> new RunSpec("x", Optional.of(" "), Map.of(), List.of()), "a blank command");
    }

    @Test
    void specRejectsAnEmptyTag() {
        for (List<String> tags : List.of(List.of(""), List.of("a", " ", "b"))) {
            InvalidInput refused = assertThrows(InvalidInput.class,
                    () -> new RunSpec("x", Optional.empty(), Map.of(), tags), tags.toString());
            assertTrue(refused.getMessage().contains("1 to 64 characters"), refused.getMessage());
        }
    }

    private static RunSpec requested(String name, Optional<String> command, Map<String, Object> params, List<String> tags) {
        return RunSpec.requested(name, command, params, tags, Timeouts.DEFAULTS, Optional.empty());
    }

    @Test
    void aRequestedSpecKeepsItsTextExactlyAndRefusesWhatItWouldHaveToChange() {
        var spec = requested("sweep 1", Optional.of("set -e\n\tpython run.py\r\n"), Map.of("note", " a\tb\n", "empty", ""), List.of("gpu"));
        assertEquals("sweep 1", spec.name());
        assertEquals("set -e\n\tpython run.py\r\n", spec.command().orElseThrow(), "a command may be multi-line, kept as sent");
        assertEquals(" a\tb\n", spec.params().get("note"), "a param's text is data, kept as sent");
        for (String name : List.of(" sweep", "sweep ", "a\nb", "a\tb", "a\u0000b", "a\u007fb", "a\u0085b", "a\u2028b", "a\ud800b")) {
            assertThrows(InvalidInput.class, () -> requested(name, Optional.empty(), Map.of(), List.of()), "name " + name);
            assertThrows(InvalidInput.class, () -> requested("x", Optional.empty(), Map.of(), List.of(name)), "tag " + name);
            assertThrows(InvalidInput.class, () -> requested("x", Optional.empty(), Map.of(name, 1), List.of()), "param name " + name);
        }
        for (String text : List.of("a\u0000b", "\u001b[2J", "a\u007f", "a\u0085", "a\udc00")) {
            assertThrows(InvalidInput.class, () -> requested("x", Optional.of(text), Map.of(), List.of()), "command " + text);
            assertThrows(InvalidInput.class, () -> requested("x", Optional.empty(), Map.of("p", text), List.of()), "param " + text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "-1", "0.01", "1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
            "12345678901234567890123456789012345678", "1.000000000000000000000000000000000000000000", "1E+125"})
    void aRequestedSpecTakesEveryNumberDynamoDbStores(String number) {
        var spec = requested("x", Optional.empty(), Map.of("n", new BigDecimal(number)), List.of());
        assertEquals(new BigDecimal(number), spec.params().get("n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+126", "-1E+126", "1E-131", "1E+200", "1E-200", "1E+999999999", "1E-999999999",
            "123456789012345678901234567890123456789", "1.23456789012345678901234567890123456789"})
    void aRequestedSpecRefusesANumberDynamoDbCouldNotStore(String number) {
        assertThrows(InvalidInput.class, () -> requested("x", Optional.empty(), Map.of("n", new BigDecimal(number)), List.of()));
    }

    @Test
    void specRejectsNestedParamsAndMissingName() {
        assertThrows(InvalidInput.class, () -> new RunSpec("x", Optional.empty(), Map.of("deep", Map.of()), List.of()));
        assertThrows(InvalidInput.class, () -> new RunSpec(null, Optional.empty(), Map.of(), List.of()));
    }
}
