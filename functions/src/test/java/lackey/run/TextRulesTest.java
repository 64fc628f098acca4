package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules every request value follows: whole numbers in one form, well-formed UTF-8, text without control characters. */
class TextRulesTest {

    @Test
    void aWholeNumberIsAsciiDigitsWithoutLeadingZerosOrSign() {
        assertEquals(OptionalLong.of(0), WholeNumber.read("0", false, 12));
        assertEquals(OptionalLong.of(587), WholeNumber.read("587", false, 12));
        assertEquals(OptionalLong.of(-2), WholeNumber.read("-2", true, 12));
        assertEquals(OptionalLong.of(999_999_999_999L), WholeNumber.read("999999999999", false, 12));
        assertEquals(OptionalLong.of(999_999_999_999_999_999L), WholeNumber.read("999999999999999999", false, 18));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "00", "0587", "+5", "-0", "-05", " 5", "5 ", "5\n", "5.0", "5e0", "1_000", "0x10",
            "\uFF15\uFF18\uFF17", "\u0665", "\u0967", "\u09EB", "\uD835\uDFD3", "5\u0660", "1234567890123", "-5"})
    void anythingElseIsNotAWholeNumber(String text) {
        assertEquals(OptionalLong.empty(), WholeNumber.read(text, false, 12), text);
    }

    @Test
    void aSignIsReadOnlyWhereTheFieldTakesOne() {
        assertEquals(OptionalLong.empty(), WholeNumber.read("-5", false, 12));
        assertEquals(OptionalLong.empty(), WholeNumber.read("--5", true, 12));
        assertEquals(OptionalLong.empty(), WholeNumber.read(null, true, 12));
    }

    /** The JDK's strict decoder, as the reference the allocation-free check must agree with. */
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private final CharBuffer decoded = CharBuffer.allocate(64);

    /** Without exceptions, which would cost more than the comparison: most sequences tried are malformed. */
    private boolean jdkSaysUtf8(byte[] bytes) {
        jdk.reset();
        decoded.clear();
        return !jdk.decode(ByteBuffer.wrap(bytes), decoded, true).isError() && !jdk.flush(decoded).isError();
    }

    @Test
    void wellFormedUtf8AgreesWithTheJdkOnEverySequenceOfUpToTwoBytes() {
        for (int a = 0; a < 256; a++) {
            byte[] one = {(byte) a};
            assertEquals(jdkSaysUtf8(one), Utf8.isWellFormed(one), "0x" + Integer.toHexString(a));
            for (int b = 0; b < 256; b++) {
                byte[] two = {(byte) a, (byte) b};
                assertEquals(jdkSaysUtf8(two), Utf8.isWellFormed(two), Integer.toHexString(a) + " " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void wellFormedUtf8AgreesWithTheJdkOnEveryThreeByteSequenceAndOnRandomLongerOnes() {
        for (int a = 0xC0; a < 0x100; a++) {
            for (int b = 0x70; b < 0xD0; b++) {
                for (int c = 0x70; c < 0xD0; c++) {
                    byte[] three = {(byte) a, (byte) b, (byte) c};
                    assertEquals(jdkSaysUtf8(three), Utf8.isWellFormed(three));
                }
            }
        }
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(8)];
            for (int k = 0; k < bytes.length; k++) {
                // mostly bytes at the edges of the UTF-8 ranges, where the mistakes are
                int[] edges = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
                bytes[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : edges[random.nextInt(edges.length)]);
            }
            assertEquals(jdkSaysUtf8(bytes), Utf8.isWellFormed(bytes), "seed " + seed + ", try " + i);
        }
    }

    @Test
    void textWithALoneSurrogateHasNoUtf8Form() {
        assertTrue(Utf8.isEncodable("a😀b"));
        assertEquals(false, Utf8.isEncodable("a\uD800b"));
        assertEquals(false, Utf8.isEncodable("a\uDC00"));
        assertEquals(false, Utf8.isEncodable("\uDE00\uD83D"));
    }

    @Test
    void singleLineTextHasNoControlCharactersNoLineBreaksAndNoWhitespaceAround() {
        assertEquals("wrong mesh ✓", TextField.singleLine("reason", "wrong mesh ✓"));
        assertEquals("a\u00A0b", TextField.singleLine("name", "a\u00A0b"), "a no-break space inside is text");
        for (String bad : new String[] {"", " a", "a ", "a\tb", "a\nb", "a\rb", "a\u0000b", "a\u001Bb", "a\u007Fb", "a\u0085b",
                "a\u009Fb", "a\u2028b", "a\u2029b", "a\uD800b", "\u3000a"}) {
            assertThrows(InvalidInput.class, () -> TextField.singleLine("name", bad), bad);
        }
    }

    @Test
    void multiLineTextMayHoldTabsAndLineEndsButNoOtherControlCharacter() {
        assertEquals(" set -e\n\techo 1\r\n", TextField.multiLine("command", " set -e\n\techo 1\r\n"));
        assertEquals("", TextField.multiLine("param 'x'", ""));
        for (String bad : new String[] {"a\u0000", "\u0007", "a\u001B[2J", "a\u007F", "a\u0085", "a\uDBFF"}) {
            assertThrows(InvalidInput.class, () -> TextField.multiLine("command", bad), bad);
        }
    }
}
