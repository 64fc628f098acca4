package lackey.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a benchmark's printed table into PERFORMANCE.md, between {@code <!-- bench:NAME -->} and
 * {@code <!-- /bench:NAME -->}, so that {@code ./lackey bench all} rewrites the page's figures and nothing else.
 * Arguments: the page, the section name, the file holding the benchmark's output.
 */
public final class PerformanceReport {

    private PerformanceReport() {
    }

    public static void main(String[] args) throws Exception {
        Path page = Path.of(args[0]);
        String name = args[1];
        String output = Files.readString(Path.of(args[2])).strip();
        String text = Files.readString(page);
        String open = "<!-- bench:" + name + " -->";
        String close = "<!-- /bench:" + name + " -->";
        int from = text.indexOf(open);
        int to = text.indexOf(close);
        if (from < 0 || to < from) {
            throw new IllegalStateException(page + " has no section " + open + " … " + close);
        }
        boolean markdown = output.lines().anyMatch(line -> line.startsWith("|"));
        String body = markdown ? output : "```text\n" + output + "\n```";
        if (!output.contains("GiB RAM")) {
            // a benchmark that does not say where it ran: the machine, and its load as the benchmark ended
            body = "Measured " + Machine.describe() + "; load " + Machine.load() + " after.\n\n" + body;
        }
        Files.writeString(page, text.substring(0, from + open.length()) + "\n" + body + "\n" + text.substring(to));
    }
}
