package lackey.run;

import java.util.Optional;

/**
 * How the simulation says it ended: an explicit {@code status} (FINISHED or FAILED) and/or an exit code;
 * a non-zero exit code means FAILED. FINISHED is the default, as in the seed.
 */
public record StopReport(RunStatus status, Optional<Integer> exitCode) {

    public StopReport {
        if (status != RunStatus.FINISHED && status != RunStatus.FAILED) {
            throw new InvalidInput("a stop ends a run as FINISHED or FAILED, not " + status);
        }
    }

    /**
     * Reads the optional {@code status} and {@code exit} fields of a stop call: {@code FINISHED} or {@code FAILED}
     * exactly, and an exit code in the one form of {@link WholeNumber} (a {@code -} allowed: some platforms report
     * negative codes).
     */
    public static StopReport parse(String statusText, String exitText) {
        Optional<Integer> exit = Optional.ofNullable(exitText).map(StopReport::exitCode);
        Optional<RunStatus> stated = Optional.ofNullable(statusText).map(StopReport::endStatus);
        RunStatus implied = exit.map(code -> code == 0 ? RunStatus.FINISHED : RunStatus.FAILED).orElse(RunStatus.FINISHED);
        if (stated.isPresent() && exit.isPresent() && stated.get() != implied) {
            throw new InvalidInput("status " + stated.get() + " contradicts exit code " + exit.get());
        }
        return new StopReport(stated.orElse(implied), exit);
    }

    private static Integer exitCode(String text) {
        var value = WholeNumber.read(text, true, 10);
        if (value.isEmpty() || value.getAsLong() < Integer.MIN_VALUE || value.getAsLong() > Integer.MAX_VALUE) {
            throw new InvalidInput("exit must be an integer exit code in ASCII digits, got '" + RunId.abbreviate(text) + "'");
        }
        return (int) value.getAsLong();
    }

    private static RunStatus endStatus(String text) {
        return switch (text) {
            case "FINISHED" -> RunStatus.FINISHED;
            case "FAILED" -> RunStatus.FAILED;
            default -> throw new InvalidInput("status must be FINISHED or FAILED, got '" + RunId.abbreviate(text) + "'");
        };
    }
}
