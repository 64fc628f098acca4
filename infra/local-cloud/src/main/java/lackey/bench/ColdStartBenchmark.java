package lackey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import lackey.emulators.ProjectLayout;
import lackey.lambda.CustomRuntimeFunction;
import lackey.lambda.InvocationResult;
import lackey.lambda.LambdaPackageFiles;
import lackey.lambda.PackagedFunction;
import lackey.lambda.TrainingRun;

/**
 * Cold start as deployed: each function's first request in a fresh execution environment of the very package
 * template.yaml deploys (its zip unpacked, its {@code bootstrap}, the template's {@code JAVA_TOOL_OPTIONS}, AWS's
 * runtime interface client polling a local Runtime API), against the emulators, side by side with a hello-world JVM
 * and, for the schedule function, the same package without its AOT cache and the form lackey shipped before (the
 * managed java25 runtime's way: the build's JDK, C1 only, the runtime client loading one shaded jar), and the peer
 * most users would write (infra/bench-peer: a typed handler with the SDK's defaults, in that same java25 form). Variants are
 * interleaved round by round; the table gives median and p90 wall time (launch to answer), the ratio of the median
 * to the hello-world JVM's, the classes the JVM loaded (how many from the AOT cache) and its peak RSS.
 * Run with {@code ./lackey bench cold [rounds]}; it prints a Markdown table.
 */
public final class ColdStartBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = "hello world JVM";
    private static final String PEER = "schedule: peer (RequestHandler<APIGatewayV2HTTPEvent, …>, SDK defaults, java25 form)";

    private ColdStartBenchmark() {
    }

    /** One function measured: its package, the event of its first request, and what must exist before it. */
    private record Measured(String logicalId, String label, String eventFile, Prepare prepare) {
    }

    /** Makes the state a first request needs (a run in the right state) with warm environments, outside the timing. */
    private interface Prepare {
        byte[] event(Setup setup, String eventFile) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> only = List.of(args).subList(Math.min(1, args.length), args.length);
        Path root = ProjectLayout.find().root();
        Path work = Files.createTempDirectory("lackey-bench-cold-");
        PrintStream out = System.out;
        String loadBefore = Machine.load();
        Map<String, PackagedFunction> packaged = new LinkedHashMap<>();
        PackagedFunction.read(root.resolve("template.yaml")).forEach(f -> packaged.put(f.logicalId(), f));
        List<Measured> measured = List.of(
                new Measured("ScheduleRunFunction", "schedule (POST /api/run)", "schedule-run-form.json", (s, e) -> s.event(e, 0, null)),
                new Measured("StartRunFunction", "start (PUT /api/run/start/{id})", "start-run.json", Setup::scheduled),
                new Measured("HeartbeatRunFunction", "heartbeat (PUT /api/run/heartbeat/{id})", "heartbeat-run.json", Setup::running),
                new Measured("StopRunFunction", "stop (PUT /api/run/stop/{id})", "stop-run.json", Setup::running),
                new Measured("GetRunFunction", "get (GET /api/run/{id})", "get-run.json", Setup::scheduled),
                new Measured("ListRunsFunction", "list (GET /api/runs)", "list-runs.json", (s, e) -> s.event(e, 0, null)),
                new Measured("SweepRunsFunction", "sweeper (every minute)", "scheduled-rule.json", (s, e) -> s.event(e, 0, null)))
                .stream().filter(m -> only.isEmpty() || only.contains(m.logicalId())).toList();

        try (TrainingRun emulators = TrainingRun.start(root, work.resolve("emulators"), new PrintStream(java.io.OutputStream.nullOutputStream()));
             Setup setup = new Setup(emulators, packaged, root)) {
            Map<String, Supplier<Sample>> variants = new LinkedHashMap<>();
            variants.put(HELLO, () -> Sample.of(HelloJvm.run(root)));
            for (Measured m : measured) {
                PackagedFunction function = packaged.get(m.logicalId());
                Path taskRoot = LambdaPackageFiles.unpacked(root.resolve(function.codeUri()));
                variants.put(m.label() + ": package (shipped)", () -> setup.cold(function, taskRoot, "", m));
                if (m.logicalId().equals("ScheduleRunFunction")) {
                    variants.put(m.label() + ": package, AOT cache off", () -> setup.cold(function, taskRoot, "-XX:AOTMode=off", m));
                    Path before = ManagedJava25.taskRoot(root, work.resolve("java25"));
                    variants.put(m.label() + ": java25 form (before)", () -> setup.cold(function, before, "", m));
                    ManagedJava25.peerTaskRoot(root, work.resolve("peer")).ifPresent(peer -> variants.put(PEER,
                            () -> setup.cold(new PackagedFunction(function.logicalId(), "lackey.peer.PeerScheduleHandler::handleRequest",
                                    function.codeUri(), function.timeoutSeconds(), function.javaToolOptions()), peer, "", m)));
                }
            }
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (var variant : variants.entrySet()) {
                    samples.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(variant.getValue().get());
                }
            }
            // Not timed: one more first request per variant, logging each class the JVM loads.
            Map<String, long[]> classes = new LinkedHashMap<>();
            for (Measured m : measured) {
                PackagedFunction function = packaged.get(m.logicalId());
                Path taskRoot = LambdaPackageFiles.unpacked(root.resolve(function.codeUri()));
                classes.put(m.label() + ": package (shipped)", setup.classesLoaded(function, taskRoot, "", m, work));
                if (m.logicalId().equals("ScheduleRunFunction")) {
                    classes.put(m.label() + ": package, AOT cache off", setup.classesLoaded(function, taskRoot, "-XX:AOTMode=off", m, work));
                    classes.put(m.label() + ": java25 form (before)",
                            setup.classesLoaded(function, ManagedJava25.taskRoot(root, work.resolve("java25")), "", m, work));
                    var peer = ManagedJava25.peerTaskRoot(root, work.resolve("peer"));
                    if (peer.isPresent()) {
                        classes.put(PEER, setup.classesLoaded(new PackagedFunction(function.logicalId(),
                                "lackey.peer.PeerScheduleHandler::handleRequest", function.codeUri(), function.timeoutSeconds(),
                                function.javaToolOptions()), peer.get(), "", m, work));
                    }
                }
            }

            double hello = median(samples.get(HELLO).stream().map(Sample::millis).toList());
            out.printf("%nCold start, first request of a fresh execution environment, %d interleaved rounds. %s; load %s before, %s after.%n%n",
                    rounds, Machine.describe(), loadBefore, Machine.load());
            out.println("| function and form | median ms | p90 ms | × hello world | init ms (median) | classes loaded (from the AOT cache) | peak RSS MB |");
            out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (var entry : samples.entrySet()) {
                List<Double> millis = entry.getValue().stream().map(Sample::millis).toList();
                long[] loaded = classes.get(entry.getKey());
                double rss = median(entry.getValue().stream().map(s -> (double) s.peakRssKb()).toList()) / 1024;
                double init = median(entry.getValue().stream().map(Sample::initMillis).toList());
                out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.1f | %s | %s | %s |%n", entry.getKey(), median(millis), percentile(millis, 90),
                        median(millis) / hello, init > 0 ? String.format(Locale.ROOT, "%,.0f", init) : "-", loaded == null ? "-" : String.format(Locale.ROOT, "%,d (%,d)", loaded[0], loaded[1]),
                        rss > 0 ? String.format(Locale.ROOT, "%.0f", rss) : "-");
            }
        }
    }

    /**
     * One measurement: wall time from launch to answer, the environment's peak resident memory, and its init (launch
     * to its first request for work: JVM, runtime client, the handler's constructor).
     */
    record Sample(double millis, long peakRssKb, double initMillis) {
        static Sample of(double millis) {
            return new Sample(millis, 0, 0);
        }
    }

    /** The emulators' state each first request needs, made by warm environments of the packages themselves. */
    private static final class Setup implements AutoCloseable {

        private final TrainingRun emulators;
        private final Map<String, PackagedFunction> packaged;
        private final Path root;
        private final CustomRuntimeFunction schedule;
        private final CustomRuntimeFunction start;

        Setup(TrainingRun emulators, Map<String, PackagedFunction> packaged, Path root) {
            this.emulators = emulators;
            this.packaged = packaged;
            this.root = root;
            this.schedule = warm("ScheduleRunFunction");
            this.start = warm("StartRunFunction");
        }

        private CustomRuntimeFunction warm(String logicalId) {
            PackagedFunction function = packaged.get(logicalId);
            Path taskRoot = LambdaPackageFiles.unpacked(root.resolve(function.codeUri()));
            return new CustomRuntimeFunction(logicalId, taskRoot, emulators.environment(logicalId, function.handler(), taskRoot,
                    function.javaToolOptions()), 60, 1, line -> { });
        }

        byte[] event(String file, long id, String token) throws IOException {
            return emulators.event(file, id, token);
        }

        JsonNode scheduleOne() throws IOException {
            InvocationResult result = schedule.invoke(emulators.event("schedule-run-form.json", 0, null));
            return JSON.readTree(JSON.readTree(result.payload()).path("body").asText());
        }

        byte[] scheduled(String file) throws IOException {
            JsonNode run = scheduleOne();
            return emulators.event(file, run.path("id").asLong(), run.path("token").asText());
        }

        byte[] running(String file) throws IOException {
            JsonNode run = scheduleOne();
            long id = run.path("id").asLong();
            String token = run.path("token").asText();
            InvocationResult started = start.invoke(emulators.event("start-run.json", id, token));
            if (!started.text().contains("\"statusCode\":200")) {
                throw new IllegalStateException("could not start run " + id + ": " + started.text());
            }
            return emulators.event(file, id, token);
        }

        /** A fresh environment of the package in {@code taskRoot}: launched, handed its first request, measured, stopped. */
        Sample cold(PackagedFunction function, Path taskRoot, String extraOptions, Measured m) {
            try {
                byte[] event = m.prepare().event(this, m.eventFile());
                String options = (function.javaToolOptions() + " " + extraOptions).strip();
                try (CustomRuntimeFunction cold = new CustomRuntimeFunction(function.logicalId(), taskRoot,
                        emulators.environment(function.logicalId(), function.handler(), taskRoot, options), 60, 1, line -> { })) {
                    long begin = System.nanoTime();
                    InvocationResult result = cold.invoke(event);
                    double millis = (System.nanoTime() - begin) / 1e6;
                    if (result.functionError().isPresent() || result.text().matches("(?s).*\"statusCode\":[45]\\d\\d.*")) {
                        throw new IllegalStateException(m.label() + " answered " + result.text());
                    }
                    long rss = cold.processes().stream().mapToLong(Machine::peakRssKb).max().orElse(0);
                    return new Sample(millis, rss, result.initMillis());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Classes a first request loads, and how many of them came from the AOT cache. */
        long[] classesLoaded(PackagedFunction function, Path taskRoot, String extraOptions, Measured m, Path work) throws IOException {
            Path log = Files.createTempFile(work, "classes-", ".log");
            cold(function, taskRoot, extraOptions + " -Xlog:class+load=info:file=" + log, m);
            List<String> lines = Files.readAllLines(log);
            return new long[] {lines.stream().filter(l -> l.contains("source:")).count(),
                    lines.stream().filter(l -> l.contains("source: shared objects file")).count()};
        }

        @Override
        public void close() {
            schedule.close();
            start.close();
        }
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
