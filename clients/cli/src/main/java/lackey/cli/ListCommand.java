package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lackey ls}: runs newest first, as a table fitted to the terminal or as JSON, paging through the API. */
@Command(name = "ls", aliases = "list", sortOptions = false,
        description = {"List runs, newest first, like squeue: id, name, status, when scheduled and started, duration, "
                + "progress, exit code and tags.", "Pages through the API by itself; filters combine."},
        footerHeading = "%nExamples:%n",
        footer = {"  lackey ls --status RUNNING", "  lackey ls --tag sweep-11 --all", "  lackey ls --since 2h --json | jq '.[].id'"})
final class ListCommand implements Callable<Integer> {

    /** The API's largest page. */
    static final int MAX_PAGE = 1000;

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--status"}, paramLabel = "STATUS",
            description = "Only runs in this state: SCHEDULED, RUNNING, FINISHED, FAILED, CANCELLED or LOST.")
    String status;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "Only runs with this tag, e.g. sweep-11.")
    String tag;

    @Option(names = {"-n", "--name"}, paramLabel = "PREFIX", description = "Only runs whose name starts so (case-sensitive).")
    String name;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only runs scheduled since then: an age (30m, 2h, 1d, 1w), an ISO instant or a date.")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Only runs scheduled before then (same forms as --since).")
    String until;

    @Option(names = {"-l", "--limit"}, paramLabel = "N", defaultValue = "50",
            description = "Show at most N runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-a", "--all"}, description = "Show every matching run, however many.")
    boolean all;

    @Option(names = "--json", description = "Print one JSON array of the runs, as the API shows them.")
    boolean json;

    @Option(names = {"-w", "--wide"}, description = "Do not fit the table to the terminal's width.")
    boolean wide;

    @Override
    public Integer call() {
        if (limit < 1 && !all) {
            throw CliFailure.usage("--limit must be at least 1 (or use --all)");
        }
        Instant now = lackey.clock.instant();
        Map<String, String> filters = new LinkedHashMap<>();
        if (status != null) {
            filters.put("status", status.strip().toUpperCase(Locale.ROOT));
        }
        filters.put("tag", tag);
        filters.put("name", name);
        if (since != null) {
            filters.put("from", TimeText.since(since, now, lackey.zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        if (until != null) {
            filters.put("to", TimeText.since(until, now, lackey.zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        LackeyApi api = lackey.api();
        List<JsonNode> runs = new ArrayList<>();
        String cursor = null;
        boolean more;
        do {
            int wanted = all ? MAX_PAGE : Math.min(MAX_PAGE, limit - runs.size());
            Map<String, String> query = new LinkedHashMap<>(filters);
            query.put("limit", Integer.toString(wanted));
            query.put("cursor", cursor);
            JsonNode page = api.operator("GET", "/api/runs" + LackeyApi.query(query), LackeyApi.Body.NONE);
            page.path("runs").forEach(runs::add);
            cursor = page.path("cursor").isTextual() ? page.get("cursor").asText() : null;
            more = cursor != null;
        } while (more && (all || runs.size() < limit));

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            runs.forEach(array::add);
            out.println(Json.text(array));
        } else if (runs.isEmpty()) {
            err.println("no runs" + (filters.values().stream().anyMatch(v -> v != null) ? " match" : " yet"));
        } else {
            int width = wide ? 0 : lackey.terminal.columns();
            RunTable.render(runs, now, lackey.zone, width).forEach(out::println);
        }
        out.flush();
        if (more && !all) {
            err.println("(the newest " + runs.size() + "; --limit N or --all for more)");
        }
        return ExitCode.OK;
    }
}
