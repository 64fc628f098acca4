package lackey.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Merges the shards of a listing index into one newest-first list, reading each shard newest first, a
 * page at a time, and only as far as the list needs. An item is taken once no shard can still hold a
 * newer one: a shard's unread items are all older than the last item it evaluated. Shards that must be
 * read are read side by side.
 *
 * <p>Reading stops at a budget of evaluated items, so a filter that matches few items costs a bounded
 * amount per request; the result then says where it stopped, and everything newer has been dealt with.
 *
 * @param <T> an item; {@code order} gives its sort key, fixed-width text that sorts like the index
 */
final class ShardMerge<T> {

    /** Extra items asked of each shard on the first read, over an even share: shards rarely split evenly. */
    static final int MARGIN = 2;
    /** DynamoDB also stops a page at 1 MB; a run item is well under 1 KB, so this is reached first. */
    static final int MAX_PAGE = 1000;

    /** One shard of the index: each call reads its next page of at most {@code limit} evaluated items. */
    interface Shard<T> {
        Page<T> next(int limit);
    }

    /**
     * One page of a shard.
     *
     * @param matches   the items that passed the filters, newest first
     * @param lastOrder the sort key of the last item evaluated; empty when the shard has nothing more
     * @param evaluated how many items the page read, matching or not
     */
    record Page<T>(List<T> matches, Optional<String> lastOrder, int evaluated) {
    }

    /**
     * What the merge took, newest first, and, if it ran out of budget first, the sort key it stopped at:
     * every item newer than that was taken or did not match.
     */
    record Result<T>(List<T> taken, Optional<String> stoppedAt) {
    }

    private final Function<T, String> order;
    private final boolean filtered;
    private final int budget;

    /**
     * @param filtered whether pages hold items that do not match: then a page size counts items read,
     *                 not matches, and a shard may need many pages to yield a few matches
     * @param budget   items evaluated per merge, over all shards, before it stops early
     */
    ShardMerge(Function<T, String> order, boolean filtered, int budget) {
        this.order = order;
        this.filtered = filtered;
        this.budget = budget;
    }

    /** Takes up to {@code want} items, newest first. */
    Result<T> take(List<? extends Shard<T>> shards, int want) {
        int share = Math.ceilDiv(want, shards.size());
        int firstPage = Math.min(want, share + MARGIN);
        List<Reader> readers = shards.stream().map(shard -> new Reader(shard, firstPage)).toList();
        List<T> taken = new ArrayList<>();
        int evaluated = 0;
        List<Reader> blocking = readers;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                // No read goes past the budget by more than one item per shard.
                int cap = Math.max(1, Math.ceilDiv(budget - evaluated, blocking.size()));
                evaluated += read(pool, blocking, want - taken.size(), cap);
                if (filtered) {
                    resize(blocking, readers, share);
                }
                blocking = List.of();
                while (taken.size() < want) {
                    Reader newest = newest(readers);
                    String head = newest == null ? null : order.apply(newest.buffer.peekFirst());
                    blocking = readers.stream().filter(reader -> reader.mayHoldNewerThan(head)).toList();
                    if (!blocking.isEmpty()) {
                        break;
                    }
                    if (newest == null) {
                        return new Result<>(taken, Optional.empty()); // every shard read to its end
                    }
                    taken.add(newest.buffer.pollFirst());
                }
                if (taken.size() >= want) {
                    return new Result<>(taken, Optional.empty());
                }
                if (evaluated >= budget) {
                    String stoppedAt = readers.stream().filter(reader -> !reader.exhausted)
                            .map(reader -> reader.lastOrder).max(String::compareTo).orElseThrow();
                    return new Result<>(taken, Optional.of(stoppedAt));
                }
            }
        }
    }

    /**
     * Sizes the next page of each shard just read from how often the filter matched over all shards so far:
     * shards interleave in time, so each must read about as far as the others, and the rate over all of them
     * is steadier than one shard's. Twice what that rate suggests, and at least twice the last page: a round
     * trip costs more than the items, and a rare filter reaches full pages in a few rounds.
     */
    private void resize(List<Reader> justRead, List<Reader> all, int share) {
        long matched = all.stream().mapToLong(reader -> reader.matched).sum();
        long evaluated = all.stream().mapToLong(reader -> reader.evaluated).sum();
        double rate = Math.max(matched, 1) / (double) Math.max(evaluated, 1);
        long estimate = (long) Math.ceil(2.0 * (share + MARGIN) / rate);
        justRead.forEach(reader -> reader.pageSize = (int) Math.min(MAX_PAGE, Math.max(2L * reader.pageSize, estimate)));
    }

    private Reader newest(List<Reader> readers) {
        Reader newest = null;
        for (Reader reader : readers) {
            if (!reader.buffer.isEmpty() && (newest == null
                    || order.apply(reader.buffer.peekFirst()).compareTo(order.apply(newest.buffer.peekFirst())) > 0)) {
                newest = reader;
            }
        }
        return newest;
    }

    /** Reads the next page of each reader, side by side; returns the number of items evaluated. */
    private int read(ExecutorService pool, List<Reader> readers, int stillWanted, int cap) {
        if (readers.size() == 1) {
            return readers.getFirst().readNext(stillWanted, cap);
        }
        List<Future<Integer>> reads = readers.stream().map(reader -> pool.submit(() -> reader.readNext(stillWanted, cap))).toList();
        int evaluated = 0;
        for (Future<Integer> read : reads) {
            try {
                evaluated += read.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the listing index", e);
            }
        }
        return evaluated;
    }

    /** One shard as read so far: its matches not yet taken, and where it stopped. */
    private final class Reader {
        private final Shard<T> shard;
        private final ArrayDeque<T> buffer = new ArrayDeque<>();
        private int pageSize;
        private String lastOrder; // null until the first read
        private boolean exhausted;
        private long matched;
        private long evaluated;

        Reader(Shard<T> shard, int pageSize) {
            this.shard = shard;
            this.pageSize = pageSize;
        }

        /** True while the shard may still hold an item newer than {@code head} (null: any item at all). */
        boolean mayHoldNewerThan(String head) {
            return !exhausted && (lastOrder == null || head == null || lastOrder.compareTo(head) > 0);
        }

        int readNext(int stillWanted, int cap) {
            // Unfiltered, every item read is a match, so no shard need read more than the list still wants.
            Page<T> page = shard.next(Math.min(cap, filtered ? pageSize : Math.min(pageSize, stillWanted)));
            buffer.addAll(page.matches());
            exhausted = page.lastOrder().isEmpty();
            lastOrder = page.lastOrder().orElse(lastOrder);
            matched += page.matches().size();
            evaluated += page.evaluated();
            if (!filtered) {
                pageSize = Math.min(pageSize * 2, MAX_PAGE); // filtered pages are sized by resize()
            }
            return page.evaluated();
        }
    }
}
