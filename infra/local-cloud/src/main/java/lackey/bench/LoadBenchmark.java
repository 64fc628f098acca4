package lackey.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import lackey.emulators.ProjectLayout;
import lackey.local.LocalCloud;

/**
 * lackey under load in the local cloud, with the invariants that must hold under it: starts a local cloud on free
 * ports with a fresh home, warms its functions up with a few lifecycles, then runs {@link LifecycleLoad} (1,000 full lifecycles by 32 clients: 0 errors, every run
 * FINISHED with its log and every heartbeat counted) and {@link SweepRace} (a sweep of 10,000 runs racing the sweeper,
 * cancellations and 32 simulations: every run in exactly one final state that fits what its clients were told, none
 * stuck, no 5xx), and prints a table of each. Exits 1 when an invariant failed. Run it with
 * {@code ./lackey bench load [lifecycles] [clients] [sweep runs]}.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int lifecycles = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int sweepRuns = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Path root = ProjectLayout.find().root();
        Path home = Files.createTempDirectory("lackey-bench-load-");
        // The function hosts print a REPORT line per call: keep the tables readable, let anything else through.
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        System.setErr(ListingBenchmark.withoutReportLines(System.err));
        Path cloudLog = Files.createTempFile("lackey-bench-load-", ".log");
        PrintStream log = new PrintStream(Files.newOutputStream(cloudLog), true);
        var options = new LocalCloud.Options(root, home, root, 0, 0, 0, 0, System.getProperty("java.class.path"), log);
        boolean passed;
        long startAt = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.start(options)) {
            out.printf("local cloud up in %.1f s (JDK %s, %d cores)%n%n", (System.nanoTime() - startAt) / 1e9,
                    Runtime.version(), Runtime.getRuntime().availableProcessors());
            // Warm-up, not measured: each function host's first calls load classes and build clients.
            LifecycleLoad.Result warmUp = LifecycleLoad.run(new LoadClient(cloud.apiUrl(), answer -> { }), 2 * clients, clients);
            out.printf("warm-up: %d lifecycles in %.1f s, not counted below%n%n", warmUp.lifecycles(), warmUp.wall().toNanos() / 1e9);
            LoadClient lifecyclesApi = new LoadClient(cloud.apiUrl(), answer -> { });
            LifecycleLoad.Result load = LifecycleLoad.run(lifecyclesApi, lifecycles, clients);
            LifecycleLoad.print(out, load, lifecyclesApi);

            byte[] tick = Files.readAllBytes(root.resolve("events/scheduled-rule.json"));
            LoadClient raceApi = new LoadClient(cloud.apiUrl(), answer -> { });
            out.println();
            SweepRace.Result race = SweepRace.run(raceApi, sweepRuns, clients, () -> cloud.invoke("SweepRunsFunction", tick),
                    () -> cloud.eventBus().events());
            SweepRace.print(out, race, raceApi);
            passed = warmUp.passed() && load.passed() && race.passed();
            out.printf("%n%s%n", passed ? "every invariant held" : "AN INVARIANT FAILED; the local cloud's log is kept in " + cloudLog);
        } finally {
            log.close();
            delete(home);
        }
        if (!passed) {
            System.exit(1);
        }
        Files.deleteIfExists(cloudLog);
    }

    private static void delete(Path home) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
