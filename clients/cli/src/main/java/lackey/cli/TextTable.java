package lackey.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table fitted to a width, as {@code squeue} prints one: columns in order, each as wide as its
 * widest cell; when the whole is too wide, the flexible columns (names, tags) give way first, down to their
 * minimum and with an ellipsis, then the least needed columns are left out, last first by priority.
 */
final class TextTable {

    /**
     * One column.
     *
     * @param title    its header
     * @param right    whether cells align right (numbers)
     * @param minWidth how narrow it may be cut (0: never cut)
     * @param priority columns with a higher number are left out first when even cut columns do not fit (0: never)
     */
    record Column(String title, boolean right, int minWidth, int priority) {
    }

    private static final String GAP = "  ";

    private TextTable() {
    }

    /** The header and rows as lines; {@code width} 0 means no limit. */
    static List<String> render(List<Column> columns, List<List<String>> rows, int width) {
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            shown.add(i);
        }
        int[] natural = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            natural[i] = columns.get(i).title().length();
            for (List<String> row : rows) {
                natural[i] = Math.max(natural[i], row.get(i).length());
            }
        }
        int[] widths = natural.clone();
        if (width > 0) {
            while (true) {
                widths = natural.clone();
                int excess = total(shown, widths) - width;
                // cut the flexible columns, widest first, down to their minimum
                while (excess > 0) {
                    int widest = -1;
                    for (int i : shown) {
                        Column column = columns.get(i);
                        if (column.minWidth() > 0 && widths[i] > Math.max(column.minWidth(), column.title().length())
                                && (widest < 0 || widths[i] > widths[widest])) {
                            widest = i;
                        }
                    }
                    if (widest < 0) {
                        break;
                    }
                    widths[widest]--;
                    excess--;
                }
                if (excess <= 0) {
                    break;
                }
                int drop = -1;
                for (int i : shown) {
                    int priority = columns.get(i).priority();
                    if (priority > 0 && (drop < 0 || priority > columns.get(drop).priority())) {
                        drop = i;
                    }
                }
                if (drop < 0) {
                    break; // nothing more can go: print it too wide rather than lose the id, name or status
                }
                shown.remove(Integer.valueOf(drop));
            }
        }
        List<String> lines = new ArrayList<>(rows.size() + 1);
        List<String> header = columns.stream().map(Column::title).toList();
        lines.add(line(columns, shown, widths, header));
        for (List<String> row : rows) {
            lines.add(line(columns, shown, widths, row));
        }
        return lines;
    }

    private static int total(List<Integer> shown, int[] widths) {
        int sum = 0;
        for (int i : shown) {
            sum += widths[i];
        }
        return sum + GAP.length() * Math.max(0, shown.size() - 1);
    }

    private static String line(List<Column> columns, List<Integer> shown, int[] widths, List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int n = 0; n < shown.size(); n++) {
            int i = shown.get(n);
            String cell = fit(cells.get(i), widths[i]);
            boolean last = n == shown.size() - 1;
            if (n > 0) {
                line.append(GAP);
            }
            if (columns.get(i).right()) {
                line.append(" ".repeat(widths[i] - cell.length())).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(widths[i] - cell.length()));
                }
            }
        }
        return line.toString().stripTrailing();
    }

    /** The text cut to {@code width} with an ellipsis when it is longer. */
    static String fit(String text, int width) {
        if (text.length() <= width) {
            return text;
        }
        return width <= 1 ? text.substring(0, width) : text.substring(0, width - 1) + "…";
    }
}
