package lackey.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A start, stop or cancel whose conditional write was refused, seen as a possible retry of the call that was
 * applied: a client on a flaky network repeats a call whose answer it never got. Compared with the run as
 * stored, it is the same call (same fields; the token was checked before), another call of the same kind
 * (the differences, in words safe to show its caller: no log text, reason, message or task ARN is echoed),
 * or no call of its kind was applied at all.
 *
 * <p>lackey cannot tell a retry from a second, identical call: both get the first one's answer, and only the
 * first changed the run. Two containers launched by one duplicated "Run Scheduled" event are told apart by
 * the task ARN each sends with its start, which is why a dispatched simulation should send it.
 */
sealed interface Retry {

    /** The call, as its messages name it: {@code start}, {@code stop} or {@code cancel}. */
    String call();

    /**
     * Whether the run is in the state a call of this kind leaves it in, so that the run may show this very
     * call applied: RUNNING for a start, ended by a stop for a stop, CANCELLED for a cancel. A run that moved
     * on since (a started run that ended) is not: its token no longer works, and a retry is refused as any call.
     */
    boolean leftBy(Run run);

    /** How this call differs from the one applied to {@code run}; empty when it is the same call. */
    List<String> differencesFrom(Run run);

    /** A start: its {@code ts} and the task ARN it reported, if any. */
    record Start(ClientTime ts, Optional<String> task) implements Retry {

        @Override
        public String call() {
            return "start";
        }

        @Override
        public boolean leftBy(Run run) {
            return run.status() == RunStatus.RUNNING;
        }

        /** Whether the run recorded a start with exactly these fields, whatever happened to it since. */
        boolean recordedOn(Run run) {
            return run.started().isPresent() && differencesFrom(run).isEmpty();
        }

        @Override
        public List<String> differencesFrom(Run run) {
            var differences = new ArrayList<String>();
            ClientTime applied = run.started().orElseThrow();
            if (applied.epochSeconds() != ts.epochSeconds()) {
                differences.add("ts " + ts.epochSeconds() + " instead of " + applied.epochSeconds());
            }
            if (!task.equals(run.taskArn())) {
                differences.add(task.isEmpty() ? "no task instead of one"
                        : run.taskArn().isEmpty() ? "a task instead of none" : "another task");
            }
            return differences;
        }
    }

    /**
     * A stop: its {@code ts}, the status and exit code it reported, and its log. An inline log is compared by
     * its SHA-256 and size, so the retry's own copy (stored at a key of its own) matches the first; an upload is
     * compared by its key.
     */
    record Stop(ClientTime ts, StopReport report, Optional<LogRef> log) implements Retry {

        @Override
        public String call() {
            return "stop";
        }

        @Override
        public boolean leftBy(Run run) {
            return switch (run.status()) {
                case FINISHED, FAILED -> true;
                case LOST -> run.stopped().isPresent(); // its one late stop was recorded
                case SCHEDULED, RUNNING, CANCELLED -> false;
            };
        }

        @Override
        public List<String> differencesFrom(Run run) {
            var differences = new ArrayList<String>();
            long applied = run.stopped().orElseThrow().epochSeconds();
            if (applied != ts.epochSeconds()) {
                differences.add("ts " + ts.epochSeconds() + " instead of " + applied);
            }
            RunStatus reported = run.status() == RunStatus.LOST
                    ? run.interruption().flatMap(Interruption::reportedStatus).orElse(run.status()) : run.status();
            if (report.status() != reported) {
                differences.add("status " + report.status() + " instead of " + reported);
            }
            if (!report.exitCode().equals(run.exitCode())) {
                differences.add(report.exitCode().map(code -> "exit " + code).orElse("no exit code")
                        + " instead of " + run.exitCode().map(String::valueOf).orElse("none"));
            }
            logDifference(run.log()).ifPresent(differences::add);
            return differences;
        }

        private Optional<String> logDifference(Optional<LogRef> applied) {
            if (log.isEmpty() || applied.isEmpty()) {
                return log.isEmpty() == applied.isEmpty() ? Optional.empty()
                        : Optional.of(log.isEmpty() ? "no log instead of one of " + applied.get().bytes() + " bytes"
                                : "a log instead of none");
            }
            LogRef mine = log.get();
            LogRef theirs = applied.get();
            boolean inline = mine.sha256().isPresent();
            if (inline != theirs.sha256().isPresent()) {
                return Optional.of(inline ? "a log sent inline instead of an upload" : "an upload instead of a log sent inline");
            }
            if (!inline) {
                return mine.location().equals(theirs.location()) ? Optional.empty() : Optional.of("another upload");
            }
            if (mine.bytes() != theirs.bytes()) {
                return Optional.of("a log of " + mine.bytes() + " bytes instead of " + theirs.bytes());
            }
            return mine.sha256().equals(theirs.sha256()) ? Optional.empty()
                    : Optional.of("another log of the same size (" + mine.bytes() + " bytes)");
        }
    }

    /** An operator's cancel, with its reason as recorded (the default one when it gave none). */
    record Cancel(String reason) implements Retry {

        @Override
        public String call() {
            return "cancel";
        }

        @Override
        public boolean leftBy(Run run) {
            return run.status() == RunStatus.CANCELLED;
        }

        @Override
        public List<String> differencesFrom(Run run) {
            return run.interruption().map(Interruption::reason).filter(reason::equals).isPresent()
                    ? List.of() : List.of("another reason");
        }
    }
}
