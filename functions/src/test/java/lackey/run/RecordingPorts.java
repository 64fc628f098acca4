package lackey.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Small hand-written fakes of the id, log and event ports that remember what they were asked. */
final class RecordingPorts {

    static final class Ids implements RunIds {
        private final AtomicLong next = new AtomicLong(1);

        @Override
        public RunId next() {
            return new RunId(next.getAndIncrement());
        }

        /** How many times {@link #reserve} was called. */
        int reservations;

        @Override
        public synchronized RunId reserve(int count) {
            reservations++;
            return new RunId(next.getAndAdd(count));
        }
    }

    /** A log sent inline with a stop: the bytes of {@code text} in UTF-8. */
    static Optional<byte[]> log(String text) {
        return Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }

    static final class Logs implements LogStore {
        final List<LogRef> stored = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<LogRef> discarded = new ArrayList<>();

        @Override
        public LogRef put(RunId id, String attempt, byte[] log, boolean utf8) {
            var ref = new LogRef("mem://logs/" + id + "/" + attempt + ".log", log.length, Optional.empty(), utf8);
            stored.add(ref);
            texts.add(new String(log, StandardCharsets.UTF_8));
            return ref;
        }

        @Override
        public void discard(LogRef log) {
            // as put returned it: the core adds the digest
            discarded.add(new LogRef(log.location(), log.bytes(), Optional.empty(), log.utf8()));
        }

        /** Logs the simulation "uploaded", by reference, with their sizes. */
        final Map<String, Long> uploads = new HashMap<>();
        final List<LogUpload> lookedUp = new ArrayList<>();

        @Override
        public Optional<LogRef> uploaded(LogUpload upload) {
            lookedUp.add(upload);
            return Optional.ofNullable(uploads.get(upload.reference()))
                    .map(bytes -> new LogRef("mem://" + upload.reference(), bytes));
        }
    }

    static final class Events implements RunEvents {
        final List<RunEvent> published = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean publish(RunEvent event) {
            if (refuse) {
                return false;
            }
            published.add(event);
            return true;
        }
    }

    private RecordingPorts() {
    }
}
