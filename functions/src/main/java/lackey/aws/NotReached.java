package lackey.aws;

import java.util.Optional;
import lackey.run.LogRef;
import lackey.run.LogStore;
import lackey.run.LogUpload;
import lackey.run.RunEvent;
import lackey.run.RunEvents;
import lackey.run.RunId;

/**
 * The ports of a service a function does not reach: its role may not call it and its package carries no client
 * for it. The lifecycle calls a port only on the paths that need it (a heartbeat never publishes, only a stop stores
 * a log), so a call here is a wiring mistake, said plainly instead of a {@code NoClassDefFoundError}.
 */
final class NotReached implements LogStore, RunEvents {

    private final String wiring;

    private NotReached(String wiring) {
        this.wiring = wiring;
    }

    /** Stands for the services that {@code wiring} (the composition root) leaves out. */
    static NotReached by(Class<?> wiring) {
        return new NotReached(wiring.getSimpleName());
    }

    @Override
    public LogRef put(RunId id, String attempt, byte[] log, boolean utf8) {
        throw refused("S3 (logs)");
    }

    @Override
    public void discard(LogRef log) {
        throw refused("S3 (logs)");
    }

    @Override
    public Optional<LogRef> uploaded(LogUpload upload) {
        throw refused("S3 (logs)");
    }

    @Override
    public boolean publish(RunEvent event) {
        throw refused("EventBridge");
    }

    private IllegalStateException refused(String service) {
        return new IllegalStateException("this function is wired by " + wiring + ", which does not reach " + service
                + ": its handler needs another composition root (lackey.aws.AwsRuns reaches every service)");
    }
}
