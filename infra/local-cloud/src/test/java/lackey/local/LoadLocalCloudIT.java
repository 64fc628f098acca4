package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import lackey.bench.LifecycleLoad;
import lackey.bench.LoadClient;
import lackey.bench.SweepRace;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The invariants of {@code ./lackey bench load}, at a size for every build: 100 full lifecycles by 16 clients lose no
 * update, and a sweep of 1,000 runs racing the sweeper, cancellations and 16 simulations (with 60 late starters whose
 * starts race the sweeper's verdict) ends every run in exactly one final state that fits what its clients were told. Every answer is held to openapi.yaml.
 */
class LoadLocalCloudIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    @Test
    void concurrentLifecyclesLoseNoUpdate() throws Exception {
        LoadClient api = new LoadClient(LOCAL.cloud().apiUrl(), ApiAnswers::checked);
        LifecycleLoad.Result result = LifecycleLoad.run(api, 100, 16);
        LifecycleLoad.print(System.out, result, api);
        assertEquals(java.util.List.of(), result.problems());
        assertEquals(100, result.checked(), "every run FINISHED with its log and its heartbeats");
        api.allCalls().forEach((kind, calls) -> assertEquals(0, calls.serverErrors(), kind + ": " + calls.statuses()));
        assertEquals(100 * LifecycleLoad.HEARTBEATS, api.calls("heartbeat").count());
    }

    @Test
    void aSweepRacingTheSweeperAndCancellationsEndsEveryRunOnceAsItsClientsWereTold() throws Exception {
        byte[] tick = Files.readAllBytes(ProjectLayout.find().root().resolve("events/scheduled-rule.json"));
        LoadClient api = new LoadClient(LOCAL.cloud().apiUrl(), ApiAnswers::checked);
        SweepRace.Result result = SweepRace.run(api, 1_000, 16, () -> LOCAL.cloud().invoke("SweepRunsFunction", tick),
                () -> LOCAL.cloud().eventBus().events());
        SweepRace.print(System.out, result, api);
        assertEquals(java.util.List.of(), result.problems());
        assertEquals(1_000 + result.lateStarters(), result.finals().values().stream().mapToInt(Integer::intValue).sum(),
                "every run was read back");
        assertEquals(result.runs(), result.outcomes().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(result.outcomes().getOrDefault("lost before its start", 0) > 0,
                "the sweeper won some starts of the late starters: " + result.outcomes());
        assertTrue(result.finals().getOrDefault("CANCELLED", 0) > 0 && result.finals().getOrDefault("LOST", 0) > 0
                && result.finals().getOrDefault("FINISHED", 0) + result.finals().getOrDefault("FAILED", 0) > 0,
                "the race had all its contenders win somewhere: " + result.finals());
        assertTrue(result.sweeps() > 1, "the sweeper ran during the race");
    }
}
