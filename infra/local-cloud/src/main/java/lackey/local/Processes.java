package lackey.local;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops processes the local cloud started, children first, politely and then for sure. */
final class Processes {

    private Processes() {
    }

    /**
     * Sends SIGTERM to {@code process} and its descendants (a simulation's {@code sh -c} has children),
     * waits a little, then kills whatever is left.
     */
    static void stop(ProcessHandle process) {
        List<ProcessHandle> family = new java.util.ArrayList<>(process.descendants().toList());
        family.add(process);
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
