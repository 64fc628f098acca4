package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end: the real {@code lackey} command, through the launcher, against a local cloud this class
 * starts, for every command but {@code wrap} and {@code ui} (their own tests); output and exit codes as a user
 * sees them.
 */
class CliLocalCloudIT {

    @RegisterExtension
    static final RunningLocalCloud LOCAL = new RunningLocalCloud();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCHEDULED = Pattern.compile("run (\\d+) SCHEDULED, (tracked|dispatched)\ntoken ([0-9a-f-]{36})\n");

    @TempDir
    static Path scratch;

    private static LackeyCli lackey;

    @BeforeAll
    static void cli() {
        lackey = new LackeyCli(LOCAL.cloud().apiUrl().toString(), scratch);
    }

    private static long scheduled(LackeyCli.Result result) {
        Matcher matcher = SCHEDULED.matcher(result.out());
        assertTrue(matcher.matches(), result.toString());
        return Long.parseLong(matcher.group(1));
    }

    private static JsonNode json(LackeyCli.Result result) throws Exception {
        assertEquals(0, result.exitCode(), result.toString());
        return JSON.readTree(result.out());
    }

    @Test
    void schedulesListsShowsAndCancelsARun() throws Exception {
        LackeyCli.Result schedule = lackey.run("schedule", "mesh-study", "-p", "lr=0.01", "-p", "steps=100", "-p", "mesh=fine",
                "-t", "cli-demo", "--heartbeat-timeout", "10m");
        assertEquals(0, schedule.exitCode(), schedule.toString());
        long id = scheduled(schedule);

        JsonNode shown = json(lackey.run("show", Long.toString(id), "--json"));
        assertEquals("mesh-study", shown.get("name").asText());
        assertEquals("{\"lr\":0.01,\"steps\":100,\"mesh\":\"fine\"}", shown.get("params").toString(), "typed params");
        assertEquals(600, shown.at("/timeouts/heartbeatTimeout").asInt());

        LackeyCli.Result table = lackey.run("ls", "--tag", "cli-demo");
        assertEquals(0, table.exitCode(), table.toString());
        List<String> lines = table.out().lines().toList();
        assertEquals(List.of("ID", "NAME", "STATUS", "SCHEDULED", "STARTED", "DURATION", "PROGRESS", "EXIT", "TAGS"),
                List.of(lines.get(0).trim().split("\\s+")), "the header, untouched when not on a terminal");
        assertTrue(lines.get(1).matches("\\s*" + id + "\\s+mesh-study\\s+SCHEDULED\\s+\\d\\d:\\d\\d:\\d\\d\\s+cli-demo"), lines.get(1));

        LackeyCli.Result readable = lackey.run("show", Long.toString(id));
        assertTrue(readable.out().startsWith("run " + id + "  mesh-study  SCHEDULED\n"), readable.out());
        assertTrue(readable.out().contains("\n  params      lr=0.01 steps=100 mesh=fine\n"), readable.out());
        assertTrue(readable.out().contains("\n  dispatched  no (tracked: someone else runs it)\n"), readable.out());

        LackeyCli.Result cancel = lackey.run("cancel", Long.toString(id), "--reason", "wrong mesh");
        assertEquals(new LackeyCli.Result(0, "run " + id + " CANCELLED: wrong mesh\n", ""), cancel);
        LackeyCli.Result again = lackey.run("cancel", Long.toString(id));
        assertEquals(1, again.exitCode());
        assertEquals("lackey: run " + id + " is CANCELLED: the cancel applied to it differs from this one: another reason"
                + " (HTTP 409 wrong_state)\n", again.err());
        assertEquals(new LackeyCli.Result(0, "run " + id + " CANCELLED: wrong mesh\n", ""),
                lackey.run("cancel", Long.toString(id), "--reason", "wrong mesh"), "the same cancel again answers as the first");

        LackeyCli.Result missing = lackey.run("show", "999999");
        assertEquals(new LackeyCli.Result(1, "", "lackey: there is no run 999999 (HTTP 404 run_not_found)\n  `lackey ls` lists the runs\n"),
                missing);
    }

    @Test
    void listingFiltersAndPagesThroughTheCursorByItself() throws Exception {
        LackeyCli.Result sweep = lackey.run("sweep", "paged", "--grid", "n=" + range(1, 1200), "--tag", "paging");
        assertEquals(0, sweep.exitCode(), sweep.toString());
        Matcher tag = Pattern.compile("sweep paged: 1200 runs, ids (\\d+)-(\\d+), tag (sweep-\\d+)\n").matcher(sweep.out());
        assertTrue(tag.matches(), sweep.out());
        assertEquals("", sweep.err(), "no progress bar off a terminal, one call");

        JsonNode all = json(lackey.run("ls", "--tag", tag.group(3), "--all", "--json"));
        assertEquals(1200, all.size(), "two pages of the API (1,000 and 200)");
        assertEquals(Long.parseLong(tag.group(2)), all.get(0).get("id").asLong(), "newest first");
        assertEquals(Long.parseLong(tag.group(1)), all.get(1199).get("id").asLong());

        LackeyCli.Result limited = lackey.run("ls", "--tag", "paging", "--limit", "7", "--json");
        assertEquals(7, json(limited).size());
        assertEquals("(the newest 7; --limit N or --all for more)\n", limited.err());
        assertEquals(3, json(lackey.run("ls", "--tag", "paging", "--status", "scheduled", "--since", "1h", "-l", "3", "--json")).size());
        assertEquals(0, json(lackey.run("ls", "--tag", "paging", "--until", "1h", "--json")).size(), "none before an hour ago");
        LackeyCli.Result none = lackey.run("ls", "--name", "no-such-name-");
        assertEquals(new LackeyCli.Result(0, "", "no runs match\n"), none);
        LackeyCli.Result badStatus = lackey.run("ls", "--status", "DONE");
        assertEquals(1, badStatus.exitCode(), badStatus.toString());
        assertTrue(badStatus.err().startsWith("lackey: "), badStatus.err());
    }

    /**
     * 10,001 runs: two calls of the API (10,000 and 1), every run tagged with the first call's tag, and a progress
     * bar drawn on the terminal: the command runs in a pseudo-terminal made by {@code script} (util-linux).
     */
    @Test
    void aSweepOfMoreThanTenThousandRunsGoesInSeveralCallsWithAProgressBarOnATerminal() throws Exception {
        RequiredTool.require("script", "apt-get install bsdutils (util-linux's script)");
        String command = "'" + lackey.launcher() + "' sweep big --grid a=" + range(1, 73) + " --grid b=" + range(1, 137) + " --tag big"; // 73 x 137 = 10,001
        ProcessBuilder pty = new ProcessBuilder("script", "-qefc", command, "/dev/null").directory(lackey.workDir().toFile());
        pty.environment().keySet().removeIf(name -> name.startsWith("LACKEY_") || name.startsWith("AWS_"));
        pty.environment().putAll(lackey.environment());
        pty.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = pty.start();
        String screen = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), screen);
        assertTrue(screen.contains("\rsweep big [###############################] 10,000/10,001".replace("###############################",
                "#".repeat(29) + ".")), "the bar after the first call: " + screen);
        assertTrue(screen.contains("\rsweep big [" + "#".repeat(30) + "] 10,001/10,001"), screen);
        Matcher done = Pattern.compile("sweep big: 10001 runs, ids (\\d+)-(\\d+), tag (sweep-\\d+) \\(2 calls of at most 10000\\)").matcher(screen);
        assertTrue(done.find(), screen);
        JsonNode all = json(lackey.run(Map.of(), Duration.ofMinutes(3), "ls", "--tag", done.group(3), "--all", "--json"));
        assertEquals(10_001, all.size(), "the first call's tag is on every run of both calls");
        assertEquals(10_001, json(lackey.run(Map.of(), Duration.ofMinutes(3), "ls", "--tag", "big", "--all", "--json")).size());
    }

    @Test
    void aDispatchedRunsInputsGoUpItsLogAndOutputsComeBack() throws Exception {
        Path params = Files.writeString(lackey.workDir().resolve("params.txt"), "lr=0.01 steps=100\n");
        LackeyCli.Result schedule = lackey.run("schedule", "copy", "-c", "sh infra/simulations/copy.sh", "--input", params.toString());
        assertEquals(0, schedule.exitCode(), schedule.toString());
        long id = scheduled(schedule);
        assertEquals("uploaded params.txt (18 B)\n", schedule.err());

        LackeyCli.Result log = lackey.run(Map.of(), Duration.ofSeconds(120), "logs", Long.toString(id), "--follow", "--interval", "500ms");
        assertEquals(0, log.exitCode(), log.toString());
        assertTrue(log.out().contains("copied params.txt"), log.out());
        assertTrue(log.err().endsWith("lackey: run " + id + " FINISHED\n"), log.err());

        LackeyCli.Result files = waitFor(() -> lackey.run("files", Long.toString(id)), r -> r.out().contains("result.txt"));
        List<String> rows = files.out().lines().toList();
        assertEquals(List.of("SIDE", "NAME", "SIZE", "MODIFIED"), List.of(rows.get(0).trim().split("\\s+")));
        assertTrue(rows.get(1).matches("in\\s+params\\.txt\\s+18 B\\s+\\S+"), rows.get(1));
        assertTrue(rows.get(2).matches("out\\s+result\\.txt\\s+18 B\\s+\\S+"), rows.get(2));

        LackeyCli.Result get = lackey.run("files", "get", Long.toString(id), "result.txt", "-o", "result-copy.txt");
        assertEquals(0, get.exitCode(), get.toString());
        assertEquals("lr=0.01 steps=100\n", Files.readString(lackey.workDir().resolve("result-copy.txt")));
        assertEquals("saved result-copy.txt (18 B)\n", get.err());
        assertEquals(new LackeyCli.Result(0, "lr=0.01 steps=100\n", ""),
                lackey.run("files", "get", Long.toString(id), "params.txt", "--input", "-o", "-"));
        LackeyCli.Result absent = lackey.run("files", "get", Long.toString(id), "nothing.txt");
        assertEquals(1, absent.exitCode());
        assertEquals("lackey: run " + id + " has no file named nothing.txt\n  `lackey files " + id + "` lists its files\n", absent.err());

        LackeyCli.Result late = lackey.run("files", "put", Long.toString(id), params.toString());
        assertEquals(1, late.exitCode(), "the run has ended");
        assertTrue(late.err().contains("so it cannot take inputs (HTTP 409 wrong_state)"), late.err());
    }

    @Test
    void filesPutUploadsMoreInputsOfALiveRun() throws Exception {
        long id = scheduled(lackey.run("schedule", "later-inputs"));
        Path mesh = Files.writeString(lackey.workDir().resolve("mesh.dat"), "0 0 1\n");
        Path extra = Files.writeString(lackey.workDir().resolve("extra.csv"), "a,b\n");
        LackeyCli.Result put = lackey.run("files", "put", Long.toString(id), mesh.toString(), extra.toString());
        assertEquals(new LackeyCli.Result(0, "", "uploaded mesh.dat (6 B)\nuploaded extra.csv (4 B)\n"), put);
        JsonNode listing = json(lackey.run("files", Long.toString(id), "--json"));
        assertEquals(List.of("extra.csv", "mesh.dat"), listing.get("inputs").findValuesAsText("name"));
        assertEquals(0, listing.get("outputs").size());
    }

    @Test
    void logsOfARunWithoutALogSayWhy() {
        long id = scheduled(lackey.run("schedule", "no-log-yet"));
        LackeyCli.Result logs = lackey.run("logs", Long.toString(id));
        assertEquals(new LackeyCli.Result(1, "", "lackey: run " + id + " has no log yet: it is SCHEDULED\n"
                + "  a log arrives with the run's stop; `lackey logs " + id + " --follow` waits for it\n"), logs);
    }

    @Test
    void aWaitingRunSaysWhatItWaitsFor() {
        LackeyCli.Result waiting = lackey.run("schedule", "report", "-c", "sh infra/simulations/hello.sh", "--wait-for", "999998/result.txt");
        assertEquals(0, waiting.exitCode(), waiting.toString());
        assertTrue(waiting.out().matches("run \\d+ SCHEDULED, dispatched, waiting for 999998/result.txt\n"), waiting.out());
    }

    @Test
    void bashCompletesTheCommandsAndTheirOptions() throws Exception {
        String script = "source <('" + lackey.launcher() + "' completion bash)\n"
                + "COMP_WORDS=(lackey sch); COMP_CWORD=1; _complete_lackey; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(lackey ls --sta); COMP_CWORD=2; _complete_lackey; echo \"${COMPREPLY[*]}\"\n";
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script).directory(lackey.workDir().toFile());
        bash.environment().putAll(lackey.environment());
        Process process = bash.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), new String(process.getErrorStream().readAllBytes()));
        assertEquals(List.of("schedule", "--status --stack"), out.lines().map(String::strip).toList());
    }

    static String range(int from, int to) {
        StringBuilder values = new StringBuilder();
        for (int i = from; i <= to; i++) {
            values.append(i == from ? "" : ",").append(i);
        }
        return values.toString();
    }

    static LackeyCli.Result waitFor(java.util.function.Supplier<LackeyCli.Result> command,
                                    java.util.function.Predicate<LackeyCli.Result> done) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            LackeyCli.Result result = command.get();
            if (done.test(result)) {
                return result;
            }
            assertFalse(System.nanoTime() > giveUp, "not there within 60 s: " + result);
            Thread.sleep(300);
        }
    }
}
