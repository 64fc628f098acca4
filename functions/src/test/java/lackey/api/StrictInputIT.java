package lackey.api;

import static lackey.api.RawCalls.Route.CANCEL;
import static lackey.api.RawCalls.Route.FILES;
import static lackey.api.RawCalls.Route.GET;
import static lackey.api.RawCalls.Route.HEARTBEAT;
import static lackey.api.RawCalls.Route.INPUTS;
import static lackey.api.RawCalls.Route.LIST;
import static lackey.api.RawCalls.Route.LOG;
import static lackey.api.RawCalls.Route.LOG_UPLOAD;
import static lackey.api.RawCalls.Route.OUTPUT_UPLOAD;
import static lackey.api.RawCalls.Route.SCHEDULE;
import static lackey.api.RawCalls.Route.START;
import static lackey.api.RawCalls.Route.STOP;
import static lackey.api.RawCalls.Route.SWEEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import lackey.api.RawCalls.Route;
import lackey.api.RawCalls.Snapshot;
import lackey.aws.LocalAws;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of malformed request the probe of issue 8 found accepted, one by one against the emulators: a 400
 * {@code invalid_input} with a JSON error, and the runs it aimed at exactly as they were (their DynamoDB item and
 * their S3 objects). The requests are valid ones with one bad part, so they get as far as that part.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictInputIT {

    private static final LocalAws AWS = LocalAws.get();
    private final RawCalls.Handlers handlers = new RawCalls.Handlers(AWS);

    /** A run nobody started: a valid start would start it. */
    private Fixture scheduled;
    /** A started run: a valid heartbeat, stop, upload or cancel would change it. */
    private Fixture running;

    record Fixture(long id, String token) {
    }

    record Case(String what, Route route, Function<StrictInputIT, ObjectNode> event) {
        @Override
        public String toString() {
            return what;
        }
    }

    @BeforeAll
    void twoRuns() {
        scheduled = schedule("strict-scheduled");
        running = schedule("strict-running");
        var started = RawCalls.invoke(handlers.of(START), RawCalls.form(START, id(running), "token=" + running.token + "&ts=" + now()));
        assertEquals(200, started.status(), started.rawBody());
    }

    private Fixture schedule(String name) {
        var answer = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.form(SCHEDULE, "", "name=" + name));
        assertEquals(201, answer.status(), answer.rawBody());
        return new Fixture(answer.body().get("id").asLong(), answer.body().get("token").asText());
    }

    private static String id(Fixture run) {
        return Long.toString(run.id);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** The digits of {@code n} written with another script's digits (zero at {@code zero}). */
    private static String digits(long n, char zero) {
        StringBuilder text = new StringBuilder();
        for (char c : Long.toString(n).toCharArray()) {
            text.append((char) (zero + (c - '0')));
        }
        return text.toString();
    }

    private static final char FULLWIDTH = '\uFF10';
    private static final char ARABIC_INDIC = '\u0660';
    private static final char DEVANAGARI = '\u0966';

    private String start(String fields) {
        return "token=" + scheduled.token + "&ts=" + now() + fields;
    }

    private String beat(String fields) {
        return "token=" + running.token + "&ts=" + now() + fields;
    }

    private String stop(String fields) {
        return "token=" + running.token + "&ts=" + now() + fields;
    }

    static Stream<Arguments> malformed() {
        List<Case> cases = new ArrayList<>();
        // ids and numbers: ASCII digits, no sign, no leading zeros
        cases.add(new Case("a run id in fullwidth digits", START, t -> RawCalls.form(START, digits(t.scheduled.id, FULLWIDTH), t.start(""))));
        cases.add(new Case("a run id in Arabic-Indic digits", GET, t -> RawCalls.bare(GET, digits(t.scheduled.id, ARABIC_INDIC), "")));
        cases.add(new Case("a run id with a leading zero", START, t -> RawCalls.form(START, "0" + t.scheduled.id, t.start(""))));
        cases.add(new Case("a run id with a plus", CANCEL, t -> RawCalls.form(CANCEL, "+" + t.running.id, "reason=x")));
        cases.add(new Case("the files of a run id in Devanagari digits", FILES, t -> RawCalls.bare(FILES, digits(t.running.id, DEVANAGARI), "")));
        cases.add(new Case("the log of a run id with a leading zero", LOG, t -> RawCalls.bare(LOG, "00" + t.running.id, "")));
        cases.add(new Case("ts in Arabic-Indic digits", START, t -> RawCalls.form(START, id(t.scheduled),
                "token=" + t.scheduled.token + "&ts=" + digits(now(), ARABIC_INDIC))));
        cases.add(new Case("ts with a leading zero", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "&ts=0" + now())));
        cases.add(new Case("ts with a plus", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "&ts=%2B" + now())));
        cases.add(new Case("ts with a space before", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "&ts=+" + now())));
        cases.add(new Case("ts with a space after", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "&ts=" + now() + "%20")));
        cases.add(new Case("ts with a newline after", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "&ts=" + now() + "%0A")));
        cases.add(new Case("ts as a JSON fraction", START, t -> RawCalls.json(START, id(t.scheduled),
                "{\"token\":\"" + t.scheduled.token + "\",\"ts\":" + now() + ".0}")));
        cases.add(new Case("ts as a JSON exponent", START, t -> RawCalls.json(START, id(t.scheduled),
                "{\"token\":\"" + t.scheduled.token + "\",\"ts\":1.7e9}")));
        cases.add(new Case("progress in fullwidth digits", HEARTBEAT, t -> RawCalls.form(HEARTBEAT, id(t.running), t.beat("&progress=" + digits(50, FULLWIDTH)))));
        cases.add(new Case("progress with a leading zero", HEARTBEAT, t -> RawCalls.form(HEARTBEAT, id(t.running), t.beat("&progress=050"))));
        cases.add(new Case("exit in Arabic-Indic digits", STOP, t -> RawCalls.form(STOP, id(t.running), t.stop("&exit=" + digits(2, ARABIC_INDIC)))));
        cases.add(new Case("exit with a plus", STOP, t -> RawCalls.form(STOP, id(t.running), t.stop("&exit=%2B2"))));
        cases.add(new Case("exit with a leading zero", STOP, t -> RawCalls.form(STOP, id(t.running), t.stop("&exit=02"))));
        cases.add(new Case("exit minus zero", STOP, t -> RawCalls.form(STOP, id(t.running), t.stop("&exit=-0"))));
        cases.add(new Case("a timeout in Devanagari digits", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&maxDuration=" + digits(600, DEVANAGARI))));
        cases.add(new Case("a timeout with a leading zero", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&startTimeout=0600")));
        cases.add(new Case("waitFor naming a run id with a leading zero", SCHEDULE, t -> RawCalls.form(SCHEDULE, "",
                "name=x&command=true&waitFor=0" + t.running.id + "/out.txt")));
        cases.add(new Case("waitFor naming a run id in fullwidth digits", SCHEDULE, t -> RawCalls.form(SCHEDULE, "",
                "name=x&command=true&waitFor=" + digits(t.running.id, FULLWIDTH) + "/out.txt")));
        cases.add(new Case("a listing limit in Arabic-Indic digits", LIST, t -> RawCalls.bare(LIST, "", "limit=" + digits(5, ARABIC_INDIC))));
        cases.add(new Case("a listing limit with a leading zero", LIST, t -> RawCalls.bare(LIST, "", "limit=05")));
        cases.add(new Case("a listing from in fullwidth digits", LIST, t -> RawCalls.bare(LIST, "", "from=" + digits(now() - 60, FULLWIDTH))));
        cases.add(new Case("a listing to with a leading zero", LIST, t -> RawCalls.bare(LIST, "", "to=0" + now())));

        // JSON: one object, nothing after it, no key twice, finite numbers DynamoDB can hold, no lone surrogates
        cases.add(new Case("JSON with garbage after the object", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\"} garbage")));
        cases.add(new Case("JSON with a second object after the first", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\"}{\"name\":\"y\"}")));
        cases.add(new Case("JSON with the token twice", START, t -> RawCalls.json(START, id(t.scheduled),
                "{\"token\":\"bad\",\"token\":\"" + t.scheduled.token + "\",\"ts\":" + now() + "}")));
        cases.add(new Case("JSON with a params key twice", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"a\":1,\"a\":2}}")));
        cases.add(new Case("JSON with a name of 1e400", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":1e400}")));
        cases.add(new Case("JSON with a lone high surrogate", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"\\ud800\"}")));
        cases.add(new Case("JSON with a lone low surrogate in a tag", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"tags\":[\"a\\udc00\"]}")));
        cases.add(new Case("JSON with a lone surrogate in a log", STOP, t -> RawCalls.json(STOP, id(t.running),
                "{\"token\":\"" + t.running.token + "\",\"ts\":" + now() + ",\"log\":\"x\\ud83d\"}")));
        cases.add(new Case("a param of 1e200", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"x\":1e200}}")));
        cases.add(new Case("a param of -1e126", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"x\":-1e126}}")));
        cases.add(new Case("a param of 1e-200", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"x\":1e-200}}")));
        cases.add(new Case("a param of 39 significant digits", SCHEDULE, t -> RawCalls.json(SCHEDULE, "",
                "{\"name\":\"x\",\"params\":{\"x\":1.23456789012345678901234567890123456789}}")));
        cases.add(new Case("a param of 1e999999999 in a form", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&params=%7B%22x%22%3A1e999999999%7D")));
        cases.add(new Case("a sweep value of 1e200", SWEEP, t -> RawCalls.json(SWEEP, "", "{\"name\":\"x\",\"runs\":[{\"x\":1e200}]}")));
        cases.add(new Case("a sweep with a key twice", SWEEP, t -> RawCalls.json(SWEEP, "", "{\"name\":\"x\",\"grid\":{\"a\":[1],\"a\":[2]}}")));

        // control characters: none in single-line text; tab, LF and CR only in a command, a message or a param value
        cases.add(new Case("NUL in a name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%00b")));
        cases.add(new Case("a newline in a name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%0Ab")));
        cases.add(new Case("a tab in a name (JSON)", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"a\\tb\"}")));
        cases.add(new Case("DEL in a name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%7Fb")));
        cases.add(new Case("a C1 control in a name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%C2%85b")));
        cases.add(new Case("a line separator in a name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%E2%80%A8b")));
        cases.add(new Case("NUL in a tag", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&tags=a%00")));
        cases.add(new Case("NUL in a params key", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"a\\u0000\":1}}")));
        cases.add(new Case("a newline in a params key", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"a\\nb\":1}}")));
        cases.add(new Case("NUL in a params value", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"params\":{\"a\":\"\\u0000\"}}")));
        cases.add(new Case("ESC in a command", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&command=echo%1B%5B2J")));
        cases.add(new Case("NUL in a sweep's run value", SWEEP, t -> RawCalls.json(SWEEP, "", "{\"name\":\"x\",\"runs\":[{\"a\":\"\\u0000\"}]}")));
        cases.add(new Case("NUL in a reason", CANCEL, t -> RawCalls.form(CANCEL, id(t.running), "reason=a%00b")));
        cases.add(new Case("a newline in a reason", CANCEL, t -> RawCalls.form(CANCEL, id(t.running), "reason=a%0Ab")));
        cases.add(new Case("NUL in a heartbeat message", HEARTBEAT, t -> RawCalls.form(HEARTBEAT, id(t.running), t.beat("&message=a%00b"))));
        cases.add(new Case("NUL in a task ARN", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&task=arn:aws:ecs:x%00"))));
        cases.add(new Case("a newline in a task ARN", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&task=arn:aws:ecs:x%0A"))));
        cases.add(new Case("NUL in an input name", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&inputs=a%00.txt")));
        cases.add(new Case("NUL in waitFor", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&command=true&waitFor=" + t.running.id + "/a%00")));
        cases.add(new Case("NUL in a listing tag", LIST, t -> RawCalls.bare(LIST, "", "tag=a%00")));
        cases.add(new Case("NUL in a listing name", LIST, t -> RawCalls.bare(LIST, "", "name=a%00")));

        // invalid UTF-8 in text is refused, never repaired
        cases.add(new Case("a name of %FF", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=%FF")));
        cases.add(new Case("a name with a truncated sequence", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%C3")));
        cases.add(new Case("a name with an overlong slash", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%C0%AF")));
        cases.add(new Case("a name with an encoded surrogate", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=a%ED%A0%80")));
        cases.add(new Case("a raw 0xFF byte in a name", SCHEDULE, t -> RawCalls.event(SCHEDULE, "", "", "application/x-www-form-urlencoded",
                bytes("name=a", 0xFF, "b"), true)));
        cases.add(new Case("a raw 0xFF byte in a JSON body", SCHEDULE, t -> RawCalls.event(SCHEDULE, "", "", "application/json",
                bytes("{\"name\":\"a", 0xFF, "\"}"), true)));
        cases.add(new Case("a reason of %FE", CANCEL, t -> RawCalls.form(CANCEL, id(t.running), "reason=%FE")));
        cases.add(new Case("a message of %C3%28", HEARTBEAT, t -> RawCalls.form(HEARTBEAT, id(t.running), t.beat("&message=%C3%28"))));
        cases.add(new Case("a field name of %FF", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&%FF=1"))));
        cases.add(new Case("a listing tag of %FF", LIST, t -> RawCalls.bare(LIST, "", "tag=%FF")));

        // a token is exactly a token
        cases.add(new Case("a token with a space before", START, t -> RawCalls.form(START, id(t.scheduled), "token=%20" + t.scheduled.token + "&ts=" + now())));
        cases.add(new Case("a token with a plus after", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "+&ts=" + now())));
        cases.add(new Case("a token with a newline after", START, t -> RawCalls.form(START, id(t.scheduled), "token=" + t.scheduled.token + "%0A&ts=" + now())));
        cases.add(new Case("a token in upper case", START, t -> RawCalls.form(START, id(t.scheduled),
                "token=" + t.scheduled.token.toUpperCase(Locale.ROOT) + "&ts=" + now())));
        cases.add(new Case("a token in JSON with a space after", STOP, t -> RawCalls.json(STOP, id(t.running),
                "{\"token\":\"" + t.running.token + " \",\"ts\":" + now() + "}")));
        cases.add(new Case("a token for an upload with a tab after", LOG_UPLOAD, t -> RawCalls.form(LOG_UPLOAD, id(t.running), "token=" + t.running.token + "%09")));

        // one rule for the shape of a request: fields where the route takes them, known names, no empty pairs
        cases.add(new Case("the start's fields in its query string", START, t -> RawCalls.event(START, id(t.scheduled), t.start(""),
                "application/x-www-form-urlencoded", t.start("").getBytes(StandardCharsets.UTF_8), true)));
        cases.add(new Case("a query string on a stop", STOP, t -> RawCalls.event(STOP, id(t.running), "debug=1",
                "application/x-www-form-urlencoded", t.stop("").getBytes(StandardCharsets.UTF_8), true)));
        cases.add(new Case("a query string on a cancel", CANCEL, t -> RawCalls.event(CANCEL, id(t.running), "reason=x",
                "application/x-www-form-urlencoded", new byte[0], false)));
        cases.add(new Case("a query string on a GET of a run", GET, t -> RawCalls.bare(GET, id(t.running), "x=1")));
        cases.add(new Case("a body on a GET of a run's files", FILES, t -> RawCalls.event(FILES, id(t.running), "",
                "application/x-www-form-urlencoded", "x=1".getBytes(StandardCharsets.UTF_8), true)));
        cases.add(new Case("an unknown field on a start", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&debug=1"))));
        cases.add(new Case("a field name in another case", START, t -> RawCalls.form(START, id(t.scheduled), "Token=" + t.scheduled.token + "&ts=" + now())));
        cases.add(new Case("an unknown JSON field on a schedule", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":\"x\",\"nmae\":\"y\"}")));
        cases.add(new Case("an unknown field on a cancel", CANCEL, t -> RawCalls.form(CANCEL, id(t.running), "reason=x&force=1")));
        cases.add(new Case("an empty pair in a form", START, t -> RawCalls.form(START, id(t.scheduled),
                "token=" + t.scheduled.token + "&&ts=" + now())));
        cases.add(new Case("a trailing & in a form", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&"))));
        cases.add(new Case("a leading & in a form", START, t -> RawCalls.form(START, id(t.scheduled), "&" + t.start(""))));
        cases.add(new Case("a pair without = in a form", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&task"))));
        cases.add(new Case("an empty pair in a listing", LIST, t -> RawCalls.bare(LIST, "", "status=RUNNING&&limit=5")));
        cases.add(new Case("a trailing & in a listing", LIST, t -> RawCalls.bare(LIST, "", "limit=5&")));
        cases.add(new Case("an empty value of a single field", START, t -> RawCalls.form(START, id(t.scheduled), t.start("&task="))));
        cases.add(new Case("an empty JSON string for a single field", HEARTBEAT, t -> RawCalls.json(HEARTBEAT, id(t.running),
                "{\"token\":\"" + t.running.token + "\",\"ts\":" + now() + ",\"message\":\"\"}")));
        cases.add(new Case("a number for a name", SCHEDULE, t -> RawCalls.json(SCHEDULE, "", "{\"name\":5}")));
        cases.add(new Case("a name with a space before", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=%20x")));
        cases.add(new Case("a tag with a space after", SCHEDULE, t -> RawCalls.form(SCHEDULE, "", "name=x&tags=a,b%20")));
        cases.add(new Case("a status in lower case", STOP, t -> RawCalls.form(STOP, id(t.running), t.stop("&status=failed"))));
        cases.add(new Case("a listing status in lower case", LIST, t -> RawCalls.bare(LIST, "", "status=running")));
        cases.add(new Case("a listing from with an unencoded plus", LIST, t -> RawCalls.bare(LIST, "", "from=2026-11-27T09:00:00+01:00")));
        // the operator's and the simulation's upload links take their names by the same rules
        cases.add(new Case("an empty input name for more inputs", INPUTS, t -> RawCalls.json(INPUTS, id(t.running), "{\"inputs\":[\"a\",\"\"]}")));
        cases.add(new Case("NUL in an input name for more inputs", INPUTS, t -> RawCalls.form(INPUTS, id(t.scheduled), "inputs=a%00.txt")));
        cases.add(new Case("an unknown field for more inputs", INPUTS, t -> RawCalls.form(INPUTS, id(t.running), "inputs=a.txt&token=x")));
        cases.add(new Case("a query string for more inputs", INPUTS, t -> RawCalls.event(INPUTS, id(t.running), "inputs=a.txt",
                "application/json", "{\"inputs\":[\"a.txt\"]}".getBytes(StandardCharsets.UTF_8), false)));
        cases.add(new Case("an output name with a space after", OUTPUT_UPLOAD, t -> RawCalls.form(OUTPUT_UPLOAD, id(t.running),
                "token=" + t.running.token + "&names=result.csv%20")));
        cases.add(new Case("an output name that is not UTF-8", OUTPUT_UPLOAD, t -> RawCalls.form(OUTPUT_UPLOAD, id(t.running),
                "token=" + t.running.token + "&names=r%E9sultat.csv")));
        cases.add(new Case("a token in upper case for outputs", OUTPUT_UPLOAD, t -> RawCalls.form(OUTPUT_UPLOAD, id(t.running),
                "token=" + t.running.token.toUpperCase(Locale.ROOT) + "&names=result.csv")));
        cases.add(new Case("an output-upload of a run id with a leading zero", OUTPUT_UPLOAD, t -> RawCalls.form(OUTPUT_UPLOAD,
                "0" + t.running.id, "token=" + t.running.token + "&names=result.csv")));
        return cases.stream().map(c -> Arguments.of(c));
    }

    private static byte[] bytes(String before, int raw, String after) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.write(raw);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedRequestIsRefusedAndChangesNothing(Case malformed) {
        Snapshot scheduledBefore = Snapshot.of(AWS, scheduled.id);
        Snapshot runningBefore = Snapshot.of(AWS, running.id);
        var answer = RawCalls.invoke(handlers.of(malformed.route()), malformed.event().apply(this));
        RawCalls.assertInvalid(answer, malformed.what());
        assertEquals(scheduledBefore, Snapshot.of(AWS, scheduled.id), malformed.what() + " changed the scheduled run");
        assertEquals(runningBefore, Snapshot.of(AWS, running.id), malformed.what() + " changed the running run");
    }

    @Test
    void aCharsetOtherThanUtf8IsAnUnsupportedBody() {
        var answer = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.event(SCHEDULE, "", "",
                "application/x-www-form-urlencoded; charset=ISO-8859-1", "name=x".getBytes(StandardCharsets.UTF_8), true));
        RawCalls.assertRefused(answer, "latin-1");
        assertEquals(415, answer.status(), answer.rawBody());
        var utf8 = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.event(SCHEDULE, "", "",
                "application/x-www-form-urlencoded; charset=UTF-8", "name=x".getBytes(StandardCharsets.UTF_8), true));
        assertEquals(201, utf8.status(), utf8.rawBody());
    }

    @Test
    void theRulesLeaveTheSeedsCallsAndTheSimulationsCallsAlone() {
        Fixture run = schedule("strict-seed");
        // the seed's calls, as the sample events carry them (form bodies, base64, Accept: application/json)
        var started = RawCalls.invoke(handlers.of(START), SampleEvents.http("start-run.json", run.id,
                b -> b.replace(SampleEvents.SEED_TOKEN, run.token)));
        assertEquals(200, started.status(), started.rawBody());
        // what infra/simulations/*.sh send: --data-urlencode token, -d ts, -d progress, -d exit, --data-urlencode log
        var beat = RawCalls.invoke(handlers.of(HEARTBEAT), RawCalls.form(HEARTBEAT, id(run),
                "token=" + run.token + "&ts=1369312600&progress=40&message=meshing%09step%201%0Astep%202"));
        assertEquals(200, beat.status(), beat.rawBody());
        assertEquals("meshing\tstep 1\nstep 2", beat.body().get("heartbeat").get("message").asText(), "a message may be multi-line");
        var stopped = RawCalls.invoke(handlers.of(STOP), RawCalls.form(STOP, id(run),
                "token=" + run.token + "&ts=1369322595&exit=0&log=hello+from+run%0Astep+1+of+3%0A"));
        assertEquals(200, stopped.status(), stopped.rawBody());
        assertTrue(stopped.body().get("log").get("bytes").asLong() > 0);
        var exitNegative = schedule("strict-negative-exit");
        RawCalls.invoke(handlers.of(START), RawCalls.form(START, id(exitNegative), "token=" + exitNegative.token + "&ts=" + now()));
        var failed = RawCalls.invoke(handlers.of(STOP), RawCalls.form(STOP, id(exitNegative),
                "token=" + exitNegative.token + "&ts=" + now() + "&exit=-1073741819"));
        assertEquals(200, failed.status(), "a negative exit code is an exit code: " + failed.rawBody());
        assertEquals("FAILED", failed.body().get("status").asText());
        var multiLineCommand = RawCalls.invoke(handlers.of(SCHEDULE), RawCalls.json(SCHEDULE, "",
                "{\"name\":\"multi\",\"command\":\"set -e\\n\\techo one\\r\\necho two\",\"params\":{\"note\":\"a\\tb\\nc\",\"empty\":\"\"}}"));
        assertEquals(201, multiLineCommand.status(), multiLineCommand.rawBody());
        assertEquals("set -e\n\techo one\r\necho two", multiLineCommand.body().get("command").asText());
    }
}
