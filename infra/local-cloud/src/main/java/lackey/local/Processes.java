package lackey.local;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops processes the local cloud started and their children, politely and then for sure. */
final class Processes {

    private Processes() {
    }

    /**
     * Sends SIGTERM to {@code process} and its descendants (a simulation's {@code sh -c} has children),
     * waits a little, then kills whatever is left.
     */
    static void stop(ProcessHandle process) {
        // The whole family is listed before any signal (an orphan is no longer a descendant), and the
        // parent is signalled first: a shell whose child died first would run its next command
        // (`sleep 300; echo never` would echo) before its own SIGTERM arrived.
        List<ProcessHandle> family = new java.util.ArrayList<>();
        family.add(process);
        family.addAll(process.descendants().toList());
        family.forEach(ProcessHandle::destroy);
        for (ProcessHandle member : family) {
            try {
                member.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                member.destroyForcibly();
            }
        }
    }
}
