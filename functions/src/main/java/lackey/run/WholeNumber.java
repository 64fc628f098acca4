package lackey.run;

import java.util.OptionalLong;

/**
 * The one text form of a whole number in a request: ASCII digits {@code 0-9} only, no leading zeros ({@code 0}
 * itself excepted), no {@code +}, no spaces around it, and a {@code -} only where the field takes negative values.
 * Every run id, timestamp, timeout, percentage, exit code and page size is read here, so {@code ５８７},
 * {@code ١٢٣}, {@code 0587}, {@code +5}, {@code -0} or {@code " 5"} mean nothing anywhere ({@link Character#isDigit}
 * would take any script's digits).
 */
public final class WholeNumber {

    /** Digits a long always holds: larger texts are refused before they are parsed. */
    private static final int MAX_DIGITS = 18;

    private WholeNumber() {
    }

    /**
     * The value of {@code text} when it is a whole number in the one form, at most {@code maxDigits} digits (up to 18),
     * negative only if {@code negativeAllowed}; empty for anything else.
     */
    public static OptionalLong read(String text, boolean negativeAllowed, int maxDigits) {
        if (text == null || maxDigits < 1 || maxDigits > MAX_DIGITS) {
            return OptionalLong.empty();
        }
        int first = negativeAllowed && text.startsWith("-") ? 1 : 0;
        int digits = text.length() - first;
        if (digits < 1 || digits > maxDigits) {
            return OptionalLong.empty();
        }
        if (text.charAt(first) == '0' && (digits > 1 || first == 1)) {
            return OptionalLong.empty(); // a leading zero, or "-0"
        }
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(text));
    }

    /** Whether {@code text} is a whole number in the one form, without a sign. */
    public static boolean isUnsigned(String text, int maxDigits) {
        return read(text, false, maxDigits).isPresent();
    }
}
