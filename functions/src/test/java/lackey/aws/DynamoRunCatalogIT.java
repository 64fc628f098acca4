package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunPage;
import lackey.run.RunQuery;
import lackey.run.RunSpec;
import org.junit.jupiter.api.Test;

/** The catalog's read budget against dynalite: a rare filter pages early, never loses or repeats a run. */
class DynamoRunCatalogIT {

    private static final LocalAws AWS = LocalAws.get();
    private static final Instant WINDOW = Instant.parse("2000-06-01T00:00:00Z");

    @Test
    void aRareFilterEndsPagesEarlyWithinItsBudgetAndFollowingTheCursorsLosesNothing() {
        // 400 runs, one in 50 tagged: with a budget of 60 items a page cannot look at every run
        List<Run> runs = IntStream.range(0, 400).mapToObj(i -> Run.scheduled(new RunId(700_000_000_000L + i),
                new RunSpec("budget-" + i, Optional.empty(), Map.of(), i % 50 == 7 ? List.of("rare") : List.of()),
                WINDOW.plusSeconds(i))).toList();
        RunImport.write(AWS.dynamo, LocalAws.TABLE, runs);
        var catalog = new DynamoRunCatalog(() -> AWS.dynamo, LocalAws.TABLE, 60);
        RunQuery query = RunQuery.fromParameters(Map.of("tag", "rare", "limit", "5",
                "from", WINDOW.toString(), "to", WINDOW.plusSeconds(400).toString()));

        List<Long> seen = new ArrayList<>();
        int pages = 0;
        int shortPagesWithCursor = 0;
        while (true) {
            RunPage page = catalog.list(query);
            pages++;
            page.runs().forEach(run -> seen.add(run.id().value()));
            if (page.next().isEmpty()) {
                break;
            }
            if (page.runs().size() < 5) {
                shortPagesWithCursor++;
            }
            query = query.continuingAt(page.next().get());
        }
        List<Long> expected = runs.stream().filter(r -> r.spec().tags().contains("rare"))
                .sorted(Comparator.comparing(Run::scheduledAt).reversed()).map(r -> r.id().value()).toList();
        assertEquals(expected, seen, "every tagged run once, newest first");
        assertTrue(shortPagesWithCursor > 0, "the budget ended some pages early (" + pages + " pages)");
    }
}
