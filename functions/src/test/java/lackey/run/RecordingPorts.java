package lackey.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Small hand-written fakes of the id, log and event ports that remember what they were asked. */
final class RecordingPorts {

    static final class Ids implements RunIds {
        private final AtomicLong next = new AtomicLong(1);

        @Override
        public RunId next() {
            return new RunId(next.getAndIncrement());
        }
    }

    static final class Logs implements LogStore {
        final List<LogRef> stored = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<LogRef> discarded = new ArrayList<>();

        @Override
        public LogRef put(RunId id, String attempt, String log) {
            var ref = new LogRef("mem://logs/" + id + "/" + attempt + ".log", log.length());
            stored.add(ref);
            texts.add(log);
            return ref;
        }

        @Override
        public void discard(LogRef log) {
            discarded.add(log);
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
