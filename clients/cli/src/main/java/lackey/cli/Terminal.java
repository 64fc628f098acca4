package lackey.cli;

import java.util.Map;

/**
 * What the CLI's output is connected to. A JVM cannot ask whether each of its streams is a terminal, nor how
 * wide that terminal is, so the launcher ({@code ./lackey}) tells it: it sets {@code LACKEY_STDOUT_TTY},
 * {@code LACKEY_STDERR_TTY} and {@code LACKEY_STDIN_TTY} to 1 for the streams that are, and {@code LACKEY_COLUMNS}
 * to the width ({@code COLUMNS}, when set, wins). Unset means "not a terminal": the safe choice for pipes and files.
 *
 * @param stdout  whether standard output is a terminal (tables are then fitted to its width)
 * @param stderr  whether standard error is a terminal (progress bars are drawn only there)
 * @param stdin   whether standard input is a terminal (Ctrl-C then reaches the whole foreground process group)
 * @param columns the width to fit tables to, or 0 for no limit
 */
record Terminal(boolean stdout, boolean stderr, boolean stdin, int columns) {

    static final int DEFAULT_COLUMNS = 80;

    static Terminal from(Map<String, String> env) {
        boolean stdout = "1".equals(env.get("LACKEY_STDOUT_TTY"));
        int columns = 0;
        if (stdout) {
            columns = positive(env.get("COLUMNS"));
            if (columns == 0) {
                columns = positive(env.get("LACKEY_COLUMNS"));
            }
            if (columns == 0) {
                columns = DEFAULT_COLUMNS;
            }
        }
        return new Terminal(stdout, "1".equals(env.get("LACKEY_STDERR_TTY")), "1".equals(env.get("LACKEY_STDIN_TTY")),
                columns);
    }

    /** The width help text is wrapped to: the terminal's, within reason. */
    int helpWidth() {
        return columns == 0 ? DEFAULT_COLUMNS : Math.max(60, Math.min(columns, 120));
    }

    private static int positive(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
