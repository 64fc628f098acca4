package lackey.run;

import java.util.Objects;

/**
 * One launch of a run's container that failed, as AWS reported it: ECS could not run the task (the RunTask call
 * failed, or the task stopped before its container started). {@code launchedWith} is the token that launch carried:
 * it tells this launch from an earlier or later one of the same run. {@code reason} is for people.
 */
public record LaunchFailure(RunId run, Token launchedWith, String reason) {

    /** Longer reasons are cut: AWS's own are a few hundred characters at most. */
    static final int MAX_REASON = 1000;

    public LaunchFailure {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(launchedWith, "launchedWith");
        reason = readable(reason);
    }

    /**
     * The reason as one line: control characters (AWS's messages may hold line breaks) become spaces, and one too long
     * is cut with an ellipsis. A reason that says nothing becomes "no reason given".
     */
    static String readable(String reason) {
        String line = reason == null ? "" : reason.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().strip();
        if (line.isEmpty()) {
            return "no reason given";
        }
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 1) + "…";
    }
}
