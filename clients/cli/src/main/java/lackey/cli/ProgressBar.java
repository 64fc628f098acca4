package lackey.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place on a terminal ({@code \r}); on anything else it draws nothing, so
 * logs and pipes get no control characters.
 */
final class ProgressBar {

    private static final int BAR = 30;

    private final PrintWriter err;
    private final boolean drawn;
    private final String label;
    private final long total;

    ProgressBar(PrintWriter err, boolean terminal, String label, long total) {
        this.err = err;
        this.drawn = terminal;
        this.label = label;
        this.total = total;
    }

    void show(long done) {
        if (drawn) {
            err.print("\r" + line(label, done, total));
            err.flush();
        }
    }

    /** Ends the line the bar was drawn on. */
    void close() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }

    static String line(String label, long done, long total) {
        int filled = total == 0 ? BAR : (int) (BAR * Math.min(done, total) / total);
        return String.format(Locale.ROOT, "%s [%s%s] %,d/%,d", label, "#".repeat(filled), ".".repeat(BAR - filled), done, total);
    }
}
