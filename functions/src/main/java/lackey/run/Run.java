package lackey.run;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A run as lackey knows it. Client timestamps ({@code started}, {@code stopped}) are kept as the
 * simulation gave them; {@code *ReceivedAt} are the server's own clock. Never holds the token.
 */
public record Run(
        RunId id,
        RunSpec spec,
        RunStatus status,
        Instant scheduledAt,
        Optional<ClientTime> started,
        Optional<Instant> startedReceivedAt,
        Optional<ClientTime> stopped,
        Optional<Instant> stoppedReceivedAt,
        Optional<Integer> exitCode,
        Optional<LogRef> log,
        Optional<Heartbeat> heartbeat,
        Optional<Deadline> deadline,
        Optional<Interruption> interruption,
        Optional<String> taskArn,
        Optional<Outputs> outputs,
        Optional<LaunchFailures> launchFailures) {

    /** A run whose container never failed to launch. */
    public Run(RunId id, RunSpec spec, RunStatus status, Instant scheduledAt, Optional<ClientTime> started,
               Optional<Instant> startedReceivedAt, Optional<ClientTime> stopped, Optional<Instant> stoppedReceivedAt,
               Optional<Integer> exitCode, Optional<LogRef> log, Optional<Heartbeat> heartbeat,
               Optional<Deadline> deadline, Optional<Interruption> interruption, Optional<String> taskArn,
               Optional<Outputs> outputs) {
        this(id, spec, status, scheduledAt, started, startedReceivedAt, stopped, stoppedReceivedAt, exitCode, log,
                heartbeat, deadline, interruption, taskArn, outputs, Optional.empty());
    }

    /** A run without recorded outputs. */
    public Run(RunId id, RunSpec spec, RunStatus status, Instant scheduledAt, Optional<ClientTime> started,
               Optional<Instant> startedReceivedAt, Optional<ClientTime> stopped, Optional<Instant> stoppedReceivedAt,
               Optional<Integer> exitCode, Optional<LogRef> log, Optional<Heartbeat> heartbeat,
               Optional<Deadline> deadline, Optional<Interruption> interruption, Optional<String> taskArn) {
        this(id, spec, status, scheduledAt, started, startedReceivedAt, stopped, stoppedReceivedAt, exitCode, log,
                heartbeat, deadline, interruption, taskArn, Optional.empty());
    }

    /** A run without heartbeat, deadline, interruption or task: what the plain lifecycle produces. */
    public Run(RunId id, RunSpec spec, RunStatus status, Instant scheduledAt, Optional<ClientTime> started,
               Optional<Instant> startedReceivedAt, Optional<ClientTime> stopped, Optional<Instant> stoppedReceivedAt,
               Optional<Integer> exitCode, Optional<LogRef> log) {
        this(id, spec, status, scheduledAt, started, startedReceivedAt, stopped, stoppedReceivedAt, exitCode, log,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A run just scheduled, with the deadline to start. */
    public static Run scheduled(RunId id, RunSpec spec, Instant now) {
        Run run = new Run(id, spec, RunStatus.SCHEDULED, now, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        return run.withDeadline(Optional.of(new Deadline(
                now.plus(spec.timeouts().startTimeout()).truncatedTo(ChronoUnit.SECONDS), DeadlineKind.START)));
    }

    Run withDeadline(Optional<Deadline> next) {
        return new Run(id, spec, status, scheduledAt, started, startedReceivedAt, stopped, stoppedReceivedAt,
                exitCode, log, heartbeat, next, interruption, taskArn, outputs, launchFailures);
    }

    /** This run with another record of failed launches. */
    Run withLaunchFailures(Optional<LaunchFailures> failures) {
        return new Run(id, spec, status, scheduledAt, started, startedReceivedAt, stopped, stoppedReceivedAt,
                exitCode, log, heartbeat, deadline, interruption, taskArn, outputs, failures);
    }

    /** How long the run took by the simulation's own clock, once it has both timestamps. */
    public Optional<Duration> duration() {
        if (started.isEmpty() || stopped.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(stopped.get().epochSeconds() - started.get().epochSeconds()));
    }
}
