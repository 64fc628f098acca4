package lackey.run;

/**
 * What a live run must do next to stay alive (start, send a heartbeat, or finish), or, for DISPATCH,
 * what lackey itself owes it: publishing its "Run Scheduled" event again after a failed attempt.
 */
public enum DeadlineKind {
    START, HEARTBEAT, MAX_DURATION, DISPATCH;

    /** The reason a run missing this deadline is LOST, for people. */
    public String reason(Timeouts timeouts) {
        return switch (this) {
            case START -> "not started within " + timeouts.startTimeout().toSeconds() + " s of scheduling";
            case HEARTBEAT -> "no heartbeat for " + timeouts.heartbeatTimeoutOnceBeating().toSeconds() + " s";
            case MAX_DURATION -> "ran longer than its maximum duration of " + timeouts.maxDuration().toSeconds() + " s";
            case DISPATCH -> "its Run Scheduled event could not be published";
        };
    }
}
