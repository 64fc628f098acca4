package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The newest-first merge of index shards, against shards in memory that page the way a DynamoDB Query
 * does: at most {@code Limit} items evaluated, filters applied after, a last evaluated key whenever the
 * limit was reached. Checked against the obvious answer: sort everything, filter, take.
 */
class ShardMergeTest {

    private static final int SHARDS = 8;

    @Test
    void mergesShardsIntoOneNewestFirstList() {
        List<List<String>> shards = roundRobin(400);
        ShardMerge.Result<String> result = merge(false, 10_000).take(readers(shards, s -> true, null), 51);
        assertEquals(newest(shards, s -> true, null, 51), result.taken());
        assertEquals(Optional.empty(), result.stoppedAt());
    }

    @Test
    void readsOnlyAboutAPageWhenShardsShareTheNewestRunsEvenly() {
        List<List<String>> shards = roundRobin(100_000);
        List<MemoryShard> readers = readers(shards, s -> true, null);
        merge(false, 10_000).take(readers, 51);
        int evaluated = readers.stream().mapToInt(r -> r.evaluated).sum();
        // an even share of 51 is 7 per shard, plus the margin: one round of 8 small queries
        assertTrue(evaluated <= SHARDS * (7 + ShardMerge.MARGIN), "evaluated " + evaluated);
        assertTrue(readers.stream().allMatch(r -> r.reads == 1), "one query per shard");
    }

    @Test
    void findsTheNewestRunsWhenOneShardHoldsThemAll() {
        List<List<String>> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ArrayList<>());
        }
        for (int i = 0; i < 300; i++) {
            // shard 3 holds the 200 newest; the others share the older ones
            shards.get(i >= 100 ? 3 : i % SHARDS).add(key(i));
        }
        shards.forEach(shard -> shard.sort(Comparator.reverseOrder()));
        ShardMerge.Result<String> result = merge(false, 10_000).take(readers(shards, s -> true, null), 120);
        assertEquals(newest(shards, s -> true, null, 120), result.taken());
    }

    @Test
    void endsWhenEveryShardIsReadEvenIfTheListIsShort() {
        List<List<String>> shards = roundRobin(13);
        ShardMerge.Result<String> result = merge(true, 10_000).take(readers(shards, s -> s.endsWith("3"), null), 51);
        assertEquals(newest(shards, s -> s.endsWith("3"), null, 51), result.taken());
        assertEquals(Optional.empty(), result.stoppedAt());
    }

    @Test
    void stopsAtItsBudgetAndSaysWhereEverythingNewerWasDealtWith() {
        List<List<String>> shards = roundRobin(5_000);
        Predicate<String> rare = s -> Long.parseLong(s.substring(s.indexOf('#') + 1)) % 997 == 0; // 5 matches
        List<MemoryShard> readers = readers(shards, rare, null);
        ShardMerge.Result<String> result = merge(true, 300).take(readers, 3);
        String stoppedAt = result.stoppedAt().orElseThrow();
        int evaluated = readers.stream().mapToInt(r -> r.evaluated).sum();
        assertTrue(evaluated >= 300 && evaluated < 300 + SHARDS, "stops at its budget, give or take an item a shard: " + evaluated);
        List<String> expected = newest(shards, rare, null, Integer.MAX_VALUE).stream()
                .filter(s -> s.compareTo(stoppedAt) >= 0).toList();
        assertEquals(expected, result.taken(), "everything at or above where it stopped, and nothing below");
    }

    @Test
    void aFilterThatMatchesOneInTenFillsItsPageInTwoRoundsOfReads() {
        List<List<String>> shards = roundRobin(20_000);
        // one run in ten, whatever its shard (a name or a tag does not follow the id)
        Predicate<String> tenth = s -> Math.floorMod(Long.parseLong(s.substring(s.indexOf('#') + 1)) * 0x9E3779B97F4A7C15L, 10) == 0;
        List<MemoryShard> readers = readers(shards, tenth, null);
        ShardMerge.Result<String> result = merge(true, 10_000).take(readers, 51);
        assertEquals(newest(shards, tenth, null, 51), result.taken());
        // the first read shows how often the filter matches; the second is sized from it
        assertTrue(readers.stream().allMatch(r -> r.reads <= 2), readers.stream().map(r -> r.reads).toList().toString());
    }

    /** Pages through as the catalog does, cursor after cursor: every match exactly once, in order. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void pagingThroughVisitsEveryMatchExactlyOnce(long seed) {
        Random random = new Random(seed);
        List<List<String>> shards = randomShards(random, 1 + random.nextInt(3_000));
        int modulus = 1 + random.nextInt(20);
        Predicate<String> filter = s -> s.hashCode() % modulus == 0;
        boolean filtered = modulus > 1;
        int limit = 1 + random.nextInt(60);
        int budget = filtered ? 50 + random.nextInt(500) : 10_000;
        List<String> seen = new ArrayList<>();
        String before = null;
        int pages = 0;
        while (true) {
            pages++;
            assertTrue(pages < 10_000, "paging does not end");
            ShardMerge.Result<String> result = merge(filtered, budget).take(readers(shards, filter, before), limit + 1);
            List<String> taken = result.taken();
            if (result.stoppedAt().isPresent()) {
                assertTrue(taken.size() <= limit);
                seen.addAll(taken);
                before = result.stoppedAt().get();
            } else if (taken.size() > limit) {
                seen.addAll(taken.subList(0, limit));
                before = taken.get(limit - 1);
            } else {
                seen.addAll(taken);
                break;
            }
        }
        List<String> expected = newest(shards, filter, null, Integer.MAX_VALUE);
        assertEquals(expected, seen);
        assertEquals(new HashSet<>(seen).size(), seen.size(), "no run twice");
    }

    @Test
    void aFailingShardFailsTheMerge() {
        IllegalStateException failure = new IllegalStateException("throttled");
        List<ShardMerge.Shard<String>> shards = new ArrayList<>(readers(roundRobin(80), s -> true, null));
        shards.set(5, limit -> {
            throw failure;
        });
        assertSame(failure, assertThrows(IllegalStateException.class, () -> merge(false, 10_000).take(shards, 10)));
    }

    // ---- helpers

    private static ShardMerge<String> merge(boolean filtered, int budget) {
        return new ShardMerge<>(Function.identity(), filtered, budget);
    }

    /** Sort keys as the index has them: 13-digit millis, '#', 12-digit id. */
    private static String key(long id) {
        return String.format("%013d#%012d", 1_700_000_000_000L + id * 3, id);
    }

    /** Ids 1..count over the shards by id, as the table does, each shard newest first. */
    private static List<List<String>> roundRobin(int count) {
        List<List<String>> shards = new ArrayList<>();
        IntStream.range(0, SHARDS).forEach(s -> shards.add(new ArrayList<>()));
        for (long id = 1; id <= count; id++) {
            shards.get((int) (id % SHARDS)).add(key(id));
        }
        shards.forEach(shard -> shard.sort(Comparator.reverseOrder()));
        return shards;
    }

    /** Runs at random times, several to a millisecond, some shards empty. */
    private static List<List<String>> randomShards(Random random, int count) {
        List<List<String>> shards = new ArrayList<>();
        IntStream.range(0, SHARDS).forEach(s -> shards.add(new ArrayList<>()));
        Set<Integer> empty = Set.of(random.nextInt(SHARDS));
        for (long id = 1; id <= count; id++) {
            int shard = (int) (id % SHARDS);
            if (!empty.contains(shard)) {
                shards.get(shard).add(String.format("%013d#%012d", 1_700_000_000_000L + random.nextInt(count / 3 + 1), id));
            }
        }
        shards.forEach(shard -> shard.sort(Comparator.reverseOrder()));
        return shards;
    }

    private static List<String> newest(List<List<String>> shards, Predicate<String> filter, String before, int want) {
        return shards.stream().flatMap(List::stream)
                .filter(s -> before == null || s.compareTo(before) < 0)
                .filter(filter)
                .sorted(Comparator.reverseOrder())
                .limit(want)
                .toList();
    }

    private static List<MemoryShard> readers(List<List<String>> shards, Predicate<String> filter, String before) {
        return shards.stream().map(shard -> new MemoryShard(shard.stream()
                .filter(s -> before == null || s.compareTo(before) < 0).toList(), filter)).toList();
    }

    /** A shard that pages like a DynamoDB Query with a key condition, a filter and a Limit. */
    private static final class MemoryShard implements ShardMerge.Shard<String> {
        private final List<String> items;
        private final Predicate<String> filter;
        private int position;
        int evaluated;
        int reads;

        MemoryShard(List<String> items, Predicate<String> filter) {
            this.items = items;
            this.filter = filter;
        }

        @Override
        public synchronized ShardMerge.Page<String> next(int limit) {
            assertTrue(limit >= 1 && limit <= ShardMerge.MAX_PAGE, "Limit " + limit);
            reads++;
            int end = Math.min(items.size(), position + limit);
            List<String> page = items.subList(position, end);
            position = end;
            evaluated += page.size();
            // DynamoDB gives a last evaluated key whenever it stopped at the limit, even with nothing left
            Optional<String> last = page.size() == limit ? Optional.of(page.getLast()) : Optional.empty();
            return new ShardMerge.Page<>(page.stream().filter(filter).toList(), last, page.size());
        }
    }
}
