package lackey.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Requests that are valid but for one part, for every route of the HTTP API: a real run's id and token, a fresh
 * {@code ts}, well-formed fields, form-encoded (percent-encoded or raw) or JSON, with any of the content types a
 * client may send, and then exactly one part spoiled (a digit of another script, a leading zero, a control
 * character, invalid UTF-8, a lone surrogate, a token that is almost the token, a JSON key twice, content after
 * the JSON, a number DynamoDB cannot hold, an unknown field, a query string where the route takes none, an empty
 * pair...). Each spoiled part is invalid by the rules of docs/api.md, so every request must be refused with a 4xx
 * and change nothing, and because everything else is valid it reaches the check of that one part.
 *
 * <p>Used by the handler tests against the emulators and by the local cloud's end-to-end tests over HTTP.
 */
public final class MalformedRequests {

    /** Every route of the HTTP API (template.yaml), with its method and path. */
    public enum Route {
        SCHEDULE("POST", "/api/run"),
        SWEEP("POST", "/api/runs"),
        START("PUT", "/api/run/start/{id}"),
        HEARTBEAT("PUT", "/api/run/heartbeat/{id}"),
        STOP("PUT", "/api/run/stop/{id}"),
        LOG_UPLOAD("POST", "/api/run/log-upload/{id}"),
        CANCEL("PUT", "/api/run/cancel/{id}"),
        GET("GET", "/api/run/{id}"),
        LIST("GET", "/api/runs"),
        LOG("GET", "/api/run/{id}/log"),
        FILES("GET", "/api/run/{id}/files"),
        INPUTS("POST", "/api/run/{id}/inputs"),
        OUTPUT_UPLOAD("POST", "/api/run/output-upload/{id}");

        public final String method;
        public final String path;

        Route(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public boolean hasId() {
            return path.contains("{id}");
        }

        boolean takesBody() {
            return !method.equals("GET");
        }

        /** The path with the id as the gateway hands it to the function (decoded text). */
        public String path(String id) {
            return path.replace("{id}", id);
        }
    }

    /** A run the requests aim at: its id and its token. */
    public record Target(long id, String token) {
    }

    /**
     * The runs the requests aim at: one SCHEDULED (a valid start would start it), one RUNNING (a valid heartbeat,
     * stop, upload or cancel would change it), and one that ended with a log (for the reads).
     */
    public record Fixtures(Target scheduled, Target running, Target ended) {
    }

    /**
     * One request, as a client sends it: the path's id (decoded), the raw query string, the content type (null when
     * none), the body's bytes, and whether a gateway would pass the body base64-encoded.
     */
    public record Request(Route route, String spoiled, String id, String rawQuery, String contentType, byte[] body,
                          boolean base64) {

        /** What a failure report shows: the route, what was spoiled, and the request, shortened. */
        public String describe() {
            String shown = new String(body, StandardCharsets.UTF_8);
            shown = shown.length() > 300 ? shown.substring(0, 300) + "…" : shown;
            return route + " [" + spoiled + "] " + route.method + " " + route.path(id) + (rawQuery.isEmpty() ? "" : "?" + rawQuery)
                    + " content-type=" + contentType + (base64 ? " (base64)" : "") + " body=" + escape(shown);
        }

        private static String escape(String text) {
            StringBuilder out = new StringBuilder();
            text.codePoints().forEach(c -> {
                if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0xFFFD || (c >= 0xD800 && c <= 0xDFFF)) {
                    out.append(String.format("\\u%04X", c));
                } else {
                    out.appendCodePoint(c);
                }
            });
            return out.toString();
        }
    }

    private MalformedRequests() {
    }

    // ------------------------------------------------------------------ the model of a valid call

    /** What a field holds, which decides how it may be spoiled. */
    private enum Kind { TOKEN, WHOLE, SIGNED_WHOLE, SINGLE_LINE, PREFIX, MULTI_LINE, BYTES, LIST, PARAMS, RUNS, GRID, STATUS, INSTANT, ARN }

    /** A field: its name, its kind, its value as text (for JSON-valued kinds, the JSON text). */
    private static final class Field {
        String name;
        final Kind kind;
        String value;
        /** In a form, these bytes as the value, {@code & + = %} escaped: data text cannot hold (a binary log). */
        byte[] rawForm;
        /** In a form, these bytes written exactly as they are: a spoiler's invalid UTF-8 or malformed escape. */
        byte[] verbatimForm;
        /** In JSON, this literal instead of the value as a string. */
        String jsonLiteral;
        /** In a form, a list given as repeated fields rather than comma-separated. */
        boolean repeated;

        Field(String name, Kind kind, String value) {
            this.name = name;
            this.kind = kind;
            this.value = value;
        }
    }

    /** A call before it is rendered: fields and how to write them. */
    private static final class Call {
        final Route route;
        String id;
        boolean json;
        final List<Field> fields = new ArrayList<>();
        final List<Field> query = new ArrayList<>();
        String contentType;
        boolean base64;
        /** Raw bytes around the rendered pairs of a form or query, for shapes no field can make. */
        String formPrefix = "";
        String formSuffix = "";
        /** An empty pair between the first two pairs of the form or query. */
        boolean emptyPairInside;
        String queryPrefix = "";
        String querySuffix = "";
        /** Raw bytes after a JSON body; a raw key-value pair written first in it. */
        String jsonSuffix = "";
        String jsonFirstPair;
        /** Replaces the rendered body entirely. */
        byte[] bodyOverride;
        /** Bytes put raw into the JSON body, in place of the marker in a string. */
        byte[] jsonRawBytes;

        Call(Route route) {
            this.route = route;
        }

        Field field(String name) {
            for (Field f : fields) {
                if (f.name.equals(name)) {
                    return f;
                }
            }
            for (Field f : query) {
                if (f.name.equals(name)) {
                    return f;
                }
            }
            return null;
        }

        List<Field> all() {
            List<Field> all = new ArrayList<>(fields);
            all.addAll(query);
            return all;
        }
    }

    static final String RAW_MARKER = "\uE000RAW\uE000";

    // ------------------------------------------------------------------ generation

    /** A request to {@code route} with one part spoiled. */
    public static Request generate(SplittableRandom random, Route route, Fixtures fixtures) {
        // the spoilers in a random order, the first that applies to a fresh valid call wins
        List<Spoiler> order = new ArrayList<>(SPOILERS);
        for (int i = order.size() - 1; i > 0; i--) {
            java.util.Collections.swap(order, i, random.nextInt(i + 1));
        }
        for (Spoiler spoiler : order) {
            Call call = valid(random, route, fixtures);
            String spoiled = spoiler.apply(call, random);
            if (spoiled != null) {
                return render(call, spoiled);
            }
        }
        throw new IllegalStateException("no spoiler applies to " + route);
    }

    /** A valid call of the route, aimed at the fixture run a valid call would change. */
    private static Call valid(SplittableRandom random, Route route, Fixtures fixtures) {
        Call call = new Call(route);
        long now = System.currentTimeMillis() / 1000;
        Target target = switch (route) {
            case START -> fixtures.scheduled();
            case HEARTBEAT, STOP, LOG_UPLOAD, CANCEL, OUTPUT_UPLOAD -> fixtures.running();
            case INPUTS -> random.nextBoolean() ? fixtures.scheduled() : fixtures.running();
            case GET, LOG, FILES -> List.of(fixtures.scheduled(), fixtures.running(), fixtures.ended()).get(random.nextInt(3));
            default -> null;
        };
        call.id = target == null ? "" : Long.toString(target.id());
        call.json = route.takesBody() && random.nextInt(3) == 0;
        switch (route) {
            case SCHEDULE -> {
                call.fields.add(new Field("name", Kind.SINGLE_LINE, singleLine(random)));
                boolean waits = random.nextInt(6) == 0;
                if (waits || random.nextBoolean()) {
                    call.fields.add(new Field("command", Kind.MULTI_LINE, multiLine(random)));
                }
                addSpecFields(random, call);
                if (random.nextInt(3) == 0) {
                    call.fields.add(new Field("inputs", Kind.LIST, String.join(",", names(random, 1 + random.nextInt(3)))));
                }
                if (waits) {
                    call.fields.add(new Field("waitFor", Kind.SINGLE_LINE, fixtures.ended().id() + "/result-" + random.nextInt(1000) + ".txt"));
                }
            }
            case SWEEP -> {
                call.fields.add(new Field("name", Kind.SINGLE_LINE, singleLine(random)));
                if (random.nextBoolean()) {
                    call.fields.add(new Field("command", Kind.MULTI_LINE, multiLine(random)));
                }
                addSpecFields(random, call);
                if (random.nextBoolean()) {
                    call.fields.add(new Field("runs", Kind.RUNS, "[" + paramsJson(random, 1) + "," + paramsJson(random, 1) + "]"));
                } else {
                    call.fields.add(new Field("grid", Kind.GRID, "{\"lr\":[0.1,0.01],\"layers\":[2," + (3 + random.nextInt(5)) + "]}"));
                }
            }
            case START -> {
                call.fields.add(new Field("token", Kind.TOKEN, target.token()));
                call.fields.add(new Field("ts", Kind.WHOLE, Long.toString(now - random.nextInt(600))));
                if (random.nextBoolean()) {
                    call.fields.add(new Field("task", Kind.ARN, "arn:aws:ecs:us-east-1:123456789012:task/lackey/" + hex(random, 32)));
                }
            }
            case HEARTBEAT -> {
                call.fields.add(new Field("token", Kind.TOKEN, target.token()));
                call.fields.add(new Field("ts", Kind.WHOLE, Long.toString(now)));
                if (random.nextBoolean()) {
                    call.fields.add(new Field("progress", Kind.WHOLE, Integer.toString(random.nextInt(101))));
                }
                if (random.nextBoolean()) {
                    call.fields.add(new Field("message", Kind.MULTI_LINE, multiLine(random)));
                }
            }
            case STOP -> {
                call.fields.add(new Field("token", Kind.TOKEN, target.token()));
                call.fields.add(new Field("ts", Kind.WHOLE, Long.toString(now)));
                int exit = random.nextInt(3) == 0 ? 0 : random.nextInt(-255, 256);
                if (random.nextBoolean()) {
                    call.fields.add(new Field("exit", Kind.SIGNED_WHOLE, Integer.toString(exit)));
                }
                if (random.nextInt(3) == 0) {
                    call.fields.add(new Field("status", Kind.STATUS, exit == 0 ? "FINISHED" : "FAILED"));
                }
                if (random.nextInt(4) != 0) {
                    Field log = new Field("log", Kind.BYTES, multiLine(random));
                    if (!call.json && random.nextBoolean()) {
                        log.rawForm = randomBytes(random, random.nextInt(1, 200)); // any bytes: a log is bytes
                    }
                    call.fields.add(log);
                }
            }
            case LOG_UPLOAD -> call.fields.add(new Field("token", Kind.TOKEN, target.token()));
            case INPUTS -> {
                Field inputs = new Field("inputs", Kind.LIST, String.join(",", names(random, 1 + random.nextInt(3))));
                inputs.repeated = random.nextBoolean();
                call.fields.add(inputs);
            }
            case OUTPUT_UPLOAD -> {
                call.fields.add(new Field("token", Kind.TOKEN, target.token()));
                Field names = new Field("names", Kind.LIST, String.join(",", names(random, 1 + random.nextInt(3))));
                names.repeated = random.nextBoolean();
                call.fields.add(names);
            }
            case CANCEL -> {
                if (random.nextInt(5) != 0) {
                    call.fields.add(new Field("reason", Kind.SINGLE_LINE, singleLine(random)));
                }
            }
            case LIST -> {
                if (random.nextBoolean()) {
                    call.query.add(new Field("status", Kind.STATUS, List.of("SCHEDULED", "RUNNING", "FINISHED", "FAILED", "CANCELLED", "LOST")
                            .get(random.nextInt(6))));
                }
                if (random.nextBoolean()) {
                    call.query.add(new Field("name", Kind.PREFIX, singleLine(random)));
                }
                if (random.nextBoolean()) {
                    call.query.add(new Field("tag", Kind.SINGLE_LINE, singleLine(random).replace(",", "")));
                }
                if (random.nextBoolean()) {
                    call.query.add(new Field("from", Kind.INSTANT, Long.toString(now - 86400 - random.nextInt(86400))));
                }
                if (random.nextBoolean()) {
                    call.query.add(new Field("to", Kind.INSTANT, random.nextBoolean() ? Long.toString(now + random.nextInt(3600))
                            : java.time.Instant.ofEpochSecond(now + 60).toString()));
                }
                if (random.nextBoolean() || call.query.isEmpty()) {
                    call.query.add(new Field("limit", Kind.WHOLE, Integer.toString(1 + random.nextInt(1000))));
                }
            }
            case GET, LOG, FILES -> {
                // no fields at all
            }
        }
        call.contentType = !route.takesBody() ? null : call.json
                ? List.of("application/json", "application/json; charset=utf-8", "application/vnd.lackey+json", "APPLICATION/JSON",
                        "application/json;charset=\"UTF-8\"").get(random.nextInt(5))
                : random.nextInt(8) == 0 ? null : List.of("application/x-www-form-urlencoded",
                        "application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-Urlencoded").get(random.nextInt(3));
        // API Gateway base64-encodes form bodies and passes JSON as it is; either must work
        call.base64 = call.json ? random.nextInt(4) == 0 : random.nextInt(4) != 0;
        return call;
    }

    private static void addSpecFields(SplittableRandom random, Call call) {
        if (random.nextBoolean()) {
            call.fields.add(new Field("params", Kind.PARAMS, paramsJson(random, 1 + random.nextInt(4))));
        }
        if (random.nextBoolean()) {
            Field tags = new Field("tags", Kind.LIST, String.join(",", names(random, 1 + random.nextInt(3))));
            tags.repeated = random.nextBoolean();
            call.fields.add(tags);
        }
        for (String timeout : List.of("startTimeout", "heartbeatTimeout", "maxDuration")) {
            if (random.nextInt(4) == 0) {
                call.fields.add(new Field(timeout, Kind.WHOLE, Integer.toString(1 + random.nextInt(2_592_000))));
            }
        }
    }

    // ------------------------------------------------------------------ valid values

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@()[]!?'\"#$%&+=/\\;<>*";
    private static final String[] UNICODE = {"é", "ß", "ø", "中", "文", "✓", "€", "😀", "🚀", "\u00A0", "ñ", "Ж", "ع", "ह", "\u200B"};

    /** Single-line text: no control characters or line breaks, no whitespace at either end; commas left out. */
    private static String singleLine(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(24);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(6) == 0 ? UNICODE[random.nextInt(UNICODE.length)]
                    : random.nextInt(8) == 0 && i > 0 && i < length - 1 ? " " : String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length()))));
        }
        String value = text.toString().replace(",", "");
        if (value.isEmpty() || Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            value = "x" + value.strip() + "x";
        }
        return value;
    }

    /** Multi-line text: tabs and line ends anywhere, ends included, but no other control character. */
    private static String multiLine(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            text.append(pick == 0 ? "\n" : pick == 1 ? "\t" : pick == 2 ? "\r\n" : pick == 3 ? UNICODE[random.nextInt(UNICODE.length)]
                    : String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length()))));
        }
        String value = text.toString();
        return value.isBlank() ? value + "x" : value;
    }

    /** File names an exchange folder takes: no slash, no "..", no comma (a form's list separator). */
    private static List<String> names(SplittableRandom random, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("f" + i + "-" + singleLine(random).replaceAll("[/\\\\.,]", "") + (random.nextBoolean() ? ".txt" : ".dat"));
        }
        return names;
    }

    private static String paramsJson(SplittableRandom random, int count) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(jsonString("p" + i + singleLine(random).replace("\"", ""))).append(':');
            switch (random.nextInt(5)) {
                case 0 -> json.append(jsonString(multiLine(random)));
                case 1 -> json.append(random.nextBoolean());
                case 2 -> json.append(random.nextInt(-1_000_000, 1_000_000));
                case 3 -> json.append(random.nextInt(1000)).append('.').append(random.nextInt(1000)).append("e").append(random.nextInt(-100, 100));
                default -> json.append("0.0").append(random.nextInt(100));
            }
        }
        return json.append('}').toString();
    }

    private static String hex(SplittableRandom random, int digits) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            text.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return text.toString();
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ spoilers: each makes the call invalid

    /** Spoils one part of a call and says what it did, or returns null when it does not apply to the call. */
    private interface Spoiler extends BiFunction<Call, SplittableRandom, String> {
    }

    private static final List<Spoiler> SPOILERS = new ArrayList<>();

    /** Digits of scripts other than ASCII's, each the 0 of its script; the last is outside the BMP. */
    private static final int[] ZEROS = {0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x1D7CE};

    private static String otherDigits(SplittableRandom random, String digits) {
        int zero = ZEROS[random.nextInt(ZEROS.length)];
        boolean all = random.nextBoolean();
        int one = random.nextInt(digits.length());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c >= '0' && c <= '9' && (all || i == one)) {
                out.appendCodePoint(zero + (c - '0'));
            } else {
                out.append(c);
            }
        }
        if (out.toString().equals(digits)) { // no digit was at that place
            out.appendCodePoint(zero + 1);
        }
        return out.toString();
    }

    private static Field pick(SplittableRandom random, Call call, Set<Kind> kinds) {
        List<Field> candidates = call.all().stream()
                .filter(f -> kinds.contains(f.kind) && f.rawForm == null && f.verbatimForm == null && f.jsonLiteral == null).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private static boolean isForm(Call call) {
        return !call.json || !call.query.isEmpty();
    }

    private static final Set<Kind> NUMBERS = Set.of(Kind.WHOLE, Kind.SIGNED_WHOLE);
    private static final Set<Kind> SINGLE_TEXT = Set.of(Kind.SINGLE_LINE, Kind.ARN);
    private static final Set<Kind> EXACT = Set.of(Kind.TOKEN, Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.SINGLE_LINE, Kind.ARN, Kind.STATUS, Kind.INSTANT);
    private static final Set<Kind> TEXTS = Set.of(Kind.TOKEN, Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.SINGLE_LINE, Kind.PREFIX, Kind.ARN,
            Kind.MULTI_LINE, Kind.STATUS, Kind.INSTANT, Kind.LIST);
    private static final Set<Kind> SINGLE_VALUED = Set.of(Kind.TOKEN, Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.SINGLE_LINE, Kind.PREFIX,
            Kind.ARN, Kind.MULTI_LINE, Kind.STATUS, Kind.INSTANT, Kind.BYTES, Kind.PARAMS, Kind.RUNS, Kind.GRID);

    static {
        // ---- numbers and ids: ASCII digits, no sign, no leading zeros
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.INSTANT));
            if (f == null || (f.kind == Kind.INSTANT && !f.value.chars().allMatch(Character::isDigit))) {
                return null;
            }
            f.value = otherDigits(random, f.value);
            return "digits of another script in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, NUMBERS);
            if (f == null) {
                return null;
            }
            f.value = f.value.startsWith("-") ? "-0" + f.value.substring(1) : "0".repeat(1 + random.nextInt(2)) + f.value;
            return "a leading zero in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.INSTANT));
            if (f == null || !f.value.chars().allMatch(Character::isDigit)) {
                return null;
            }
            // a single minus is a sign an exit code may have (but not on 0): it spoils every other number
            List<String> signs = f.kind == Kind.SIGNED_WHOLE && !f.value.equals("0") ? List.of("+", "--", "−", "0x")
                    : List.of("+", "-", "--", "−", "0x");
            f.value = signs.get(random.nextInt(signs.size())) + f.value;
            return "a sign in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, NUMBERS);
            if (f == null) {
                return null;
            }
            f.value = f.value + List.of(".0", "e0", "E2", ".5", "_000", ",0").get(random.nextInt(6));
            return "a fraction or exponent in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.route.hasId()) {
                return null;
            }
            String id = call.id;
            call.id = switch (random.nextInt(9)) {
                case 0 -> "0" + id;
                case 1 -> otherDigits(random, id);
                case 2 -> "+" + id;
                case 3 -> "-" + id;
                case 4 -> id + List.of(" ", "\t", "\n", "\u00A0").get(random.nextInt(4));
                case 5 -> "0";
                case 6 -> id + ".0";
                case 7 -> "1" + "0".repeat(18 + random.nextInt(5));
                default -> List.of("one", "x" + id, id + "x", "0x" + id, "%35").get(random.nextInt(5));
            };
            return "a malformed run id";
        });

        // ---- exact values: nothing around them
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, EXACT);
            if (f == null) {
                return null;
            }
            String space = f.kind == Kind.SINGLE_LINE || f.kind == Kind.ARN
                    ? List.of(" ", "\t", "\n", "\r", "\u000B", "\u2003", "\u3000", "\u001F").get(random.nextInt(8))
                    : List.of(" ", "\t", "\n", "\r", "\u00A0", "\u2003", "\uFEFF").get(random.nextInt(7));
            f.value = random.nextBoolean() ? space + f.value : f.value + space;
            return "whitespace around " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PREFIX));
            if (f == null) {
                return null;
            }
            f.value = List.of(" ", "\t", "\u3000").get(random.nextInt(3)) + f.value;
            return "whitespace before the name prefix";
        });

        // ---- control characters and line breaks
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, TEXTS);
            if (f == null) {
                return null;
            }
            int[] controls = f.kind == Kind.MULTI_LINE
                    ? new int[] {0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F}
                    : new int[] {0x00, 0x01, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x85, 0x9F, 0x2028, 0x2029};
            int at = 1 + random.nextInt(Math.max(1, f.value.length() - 1));
            at = Math.min(at, f.value.length());
            if (at > 0 && at < f.value.length() && Character.isLowSurrogate(f.value.charAt(at))) {
                at--;
            }
            f.value = f.value.substring(0, at) + (char) controls[random.nextInt(controls.length)] + f.value.substring(at);
            return "a control character in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PARAMS, Kind.RUNS));
            if (f == null) {
                return null;
            }
            String control = List.of("\\u0000", "\\u001b", "\\u0007", "\\u007f", "\\u0085").get(random.nextInt(5));
            f.value = random.nextBoolean()
                    ? insertAfterFirst(f.value, "\\{\"", "{\"" + control)                                    // in a key
                    : insertAfterFirst(f.value, "\\{", "{\"bad\":\"a" + control + "b\",");                 // in a value
            return "a control character in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PARAMS, Kind.RUNS));
            if (f == null) {
                return null;
            }
            f.value = insertAfterFirst(f.value, "\\{", "{" + jsonString(List.of("a\nb", "a\tb", " a", "a ", "", "a\u2028b").get(random.nextInt(6))) + ":1,");
            return "a param name that is not single-line text in " + f.name;
        });

        // ---- UTF-8: refused, never repaired
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, TEXTS);
            if (f == null) {
                return null;
            }
            byte[] bad = invalidUtf8(random);
            boolean inQuery = call.query.contains(f);
            if (call.json && !inQuery) {
                // the bytes go raw into the JSON body, inside the field's string
                f.value = f.value + RAW_MARKER;
                call.jsonRawBytes = bad;
                return "invalid UTF-8 in the JSON string of " + f.name;
            }
            byte[] encoded = encode(f.value.getBytes(StandardCharsets.UTF_8), true);
            // a query string is text: its bad bytes are percent-encoded; a form body may carry them raw
            byte[] badBytes = inQuery || random.nextBoolean() ? percentEncoded(bad).getBytes(StandardCharsets.US_ASCII) : bad;
            f.verbatimForm = concat(encoded, badBytes, random.nextBoolean());
            return "invalid UTF-8 in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!isForm(call) || (call.fields.isEmpty() && call.query.isEmpty())) {
                return null;
            }
            String bad = percentEncoded(invalidUtf8(random));
            if (!call.query.isEmpty()) {
                call.querySuffix += "&" + bad + "=1";
            } else {
                call.formSuffix += "&" + bad + "=1";
            }
            return "a field name that is not UTF-8";
        });

        // ---- JSON: lone surrogates, keys twice, content after the object, numbers, types, syntax
        SPOILERS.add((call, random) -> {
            if (!call.json || call.fields.isEmpty()) {
                return null;
            }
            Field f = call.fields.get(random.nextInt(call.fields.size()));
            String surrogate = List.of("\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ude00\\ud83d").get(random.nextInt(5));
            if (f.kind == Kind.PARAMS || f.kind == Kind.RUNS || f.kind == Kind.GRID) {
                f.value = insertAfterFirst(f.value, "\\{\"", "{\"" + surrogate);
                return "a lone surrogate in a key of " + f.name;
            }
            f.jsonLiteral = "\"" + jsonEscaped(f.value) + surrogate + "\"";
            return "a lone surrogate in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.json || call.fields.isEmpty()) {
                return null;
            }
            Field f = call.fields.get(random.nextInt(call.fields.size()));
            call.jsonFirstPair = jsonString(f.name) + ":" + List.of("\"bad\"", "1", "null", "{}", "[]", "true").get(random.nextInt(6));
            return "the key " + f.name + " twice";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PARAMS, Kind.RUNS, Kind.GRID));
            if (f == null) {
                return null;
            }
            f.value = insertAfterFirst(f.value, "\\{", "{\"dup\":1,\"dup\":" + (random.nextBoolean() ? "1" : "\"x\"") + ",");
            return "a key twice in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.json) {
                return null;
            }
            call.jsonSuffix = List.of(" garbage", "{}", "[]", " 1", ",", "}", " {\"name\":\"x\"}", "\u0000", " //", "\n\"x\"")
                    .get(random.nextInt(10));
            return "content after the JSON object";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PARAMS, Kind.RUNS, Kind.GRID));
            String number = List.of("1e200", "-1e126", "1e126", "1e127", "1e-131", "-1e-200", "1e400", "-1e400", "1e999999999",
                    "1.23456789012345678901234567890123456789", "123456789012345678901234567890123456789").get(random.nextInt(11));
            if (f == null) {
                return null;
            }
            f.value = f.kind == Kind.GRID
                    ? insertAfterFirst(f.value, "\\[", "[" + number + ",")
                    : insertAfterFirst(f.value, "\\{", "{\"big\":" + number + ",");
            return "a number DynamoDB cannot hold (" + number + ") in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.json) {
                return null;
            }
            Field f = pick(random, call, Set.of(Kind.WHOLE, Kind.SIGNED_WHOLE, Kind.TOKEN, Kind.SINGLE_LINE, Kind.MULTI_LINE, Kind.STATUS,
                    Kind.ARN, Kind.BYTES));
            if (f == null) {
                return null;
            }
            f.jsonLiteral = NUMBERS.contains(f.kind)
                    ? List.of(f.value + ".0", f.value + "e0", "1.5", "true", "[" + f.value + "]", "{}", "1e400").get(random.nextInt(7))
                    : List.of("1", "1e400", "true", "false", "[\"x\"]", "{\"x\":1}").get(random.nextInt(6));
            return "a JSON value of the wrong type for " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.json) {
                return null;
            }
            call.bodyOverride = List.of("{\"name\":", "{name:\"x\"}", "{'name':'x'}", "{\"name\":\"x\",}", "[{\"name\":\"x\"}]", "\"x\"",
                    "{\"name\":\"x\" /* c */}", "{\"name\":\"\\x41\"}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"name\":\"x\"\u0000}",
                    "\u0000{\"name\":\"x\"}", "{\"name\":\"a\u0001b\"}").get(random.nextInt(14)).getBytes(StandardCharsets.UTF_8);
            return "a body that is not one JSON object";
        });

        // ---- tokens: exactly as handed out
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.TOKEN));
            if (f == null) {
                return null;
            }
            String t = f.value;
            int at = random.nextInt(t.length());
            f.value = switch (random.nextInt(9)) {
                case 0 -> t.toUpperCase(Locale.ROOT).equals(t) ? t + "0" : t.toUpperCase(Locale.ROOT);
                case 1 -> t.substring(0, at) + t.substring(at + 1);
                case 2 -> t + hex(random, 1);
                case 3 -> t.replaceFirst("-", List.of("+", "_", "", "--").get(random.nextInt(4)));
                case 4 -> "{" + t + "}";
                case 5 -> t.substring(0, at) + "g" + t.substring(at + 1);
                case 6 -> "Bearer " + t;
                case 7 -> t.replace("-", "");
                default -> t + "+";
            };
            return "a token that is almost the token";
        });

        // ---- shape: known fields only, where the route takes them, once each, no empty pairs or values
        SPOILERS.add((call, random) -> {
            if (call.route == Route.GET || call.route == Route.LOG || call.route == Route.FILES) {
                return null;
            }
            String name = List.of("debug", "Token", "TS", "id", "name2", "token ", "ts[]", "reason", "log", "status", "limit", "force", "_")
                    .get(random.nextInt(13));
            if (knownFields(call.route).contains(name)) {
                name = name + "x";
            }
            Field extra = new Field(name, Kind.SINGLE_LINE, "1");
            (call.route == Route.LIST ? call.query : call.fields).add(random.nextInt(2) == 0 ? 0 : (call.route == Route.LIST ? call.query : call.fields).size(), extra);
            return "the unknown field " + name.strip();
        });
        SPOILERS.add((call, random) -> {
            if (!call.route.takesBody()) {
                return null;
            }
            Field copy = call.fields.isEmpty() ? new Field("x", Kind.SINGLE_LINE, "1") : call.fields.get(random.nextInt(call.fields.size()));
            call.query.add(new Field(copy.name, Kind.SINGLE_LINE, copy.value.replaceAll("[\\p{Cc}]", "")));
            if (random.nextBoolean() && !call.fields.isEmpty()) {
                call.fields.remove(copy); // moved there rather than copied
            }
            return "a field in the query string of a route that takes its fields in the body";
        });
        SPOILERS.add((call, random) -> {
            if (call.route.takesBody() || call.route == Route.LIST) {
                return null;
            }
            if (random.nextBoolean()) {
                call.query.add(new Field(List.of("x", "token", "limit", "_").get(random.nextInt(4)), Kind.SINGLE_LINE, "1"));
            } else {
                call.bodyOverride = List.of("x=1", "{}", "token=abc", " ").get(random.nextInt(4)).getBytes(StandardCharsets.UTF_8);
                call.contentType = List.of("application/x-www-form-urlencoded", "application/json", "text/plain").get(random.nextInt(3));
            }
            return "fields for a route that takes none";
        });
        SPOILERS.add((call, random) -> {
            boolean list = call.route == Route.LIST;
            if (!list && (call.json || !call.route.takesBody())) {
                return null;
            }
            int pairs = list ? call.query.size() : call.fields.size();
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (list) {
                        call.queryPrefix = "&";
                    } else {
                        call.formPrefix = "&";
                    }
                }
                case 1 -> {
                    if (list) {
                        call.querySuffix += "&";
                    } else {
                        call.formSuffix += "&";
                    }
                }
                default -> {
                    if (pairs < 2) {
                        return null;
                    }
                    call.emptyPairInside = true;
                }
            }
            return "an empty pair in the " + (list ? "query string" : "form");
        });
        SPOILERS.add((call, random) -> {
            if (!isForm(call) || (!call.route.takesBody() && call.route != Route.LIST) || (call.route.takesBody() && call.json)) {
                return null;
            }
            String bare = List.of("flag", "token", "x", "%41").get(random.nextInt(4));
            if (call.route == Route.LIST) {
                call.querySuffix += "&" + bare;
            } else {
                call.formSuffix += "&" + bare;
            }
            return "a pair without =";
        });
        SPOILERS.add((call, random) -> {
            if ((!call.route.takesBody() && call.route != Route.LIST) || (call.route.takesBody() && call.json)) {
                return null;
            }
            List<Field> fields = call.route == Route.LIST ? call.query : call.fields;
            if (fields.isEmpty()) {
                return null;
            }
            Field f = fields.get(random.nextInt(fields.size()));
            String bad = List.of("%", "%4", "%G1", "%4G", "%%41", "%\u00e9").get(random.nextInt(6));
            // at the end of the value: in the middle, "%4" before an "E" would be the valid escape %4E
            f.verbatimForm = concat(encode(f.value.getBytes(StandardCharsets.UTF_8), true), bad.getBytes(StandardCharsets.UTF_8), false);
            return "a malformed %-escape in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!isForm(call) || (call.route.takesBody() && call.json)) {
                return null;
            }
            Field f = pick(random, call, SINGLE_VALUED);
            if (f == null) {
                return null;
            }
            Field again = new Field(f.name, f.kind, random.nextBoolean() ? f.value : f.value + "0");
            (call.query.contains(f) ? call.query : call.fields).add(again);
            return f.name + " given twice";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, SINGLE_VALUED);
            if (f == null || f.kind == Kind.BYTES) {
                return null;
            }
            f.value = "";
            return "an empty " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.LIST));
            if (f == null) {
                return null;
            }
            f.repeated = false;
            f.value = List.of(",", f.value + ",", "," + f.value, f.value.replaceFirst(",|$", ",,")).get(random.nextInt(4));
            return "an empty item in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            if (!call.route.takesBody()) {
                return null;
            }
            call.contentType = random.nextBoolean()
                    ? (call.json ? "application/json" : "application/x-www-form-urlencoded") + "; charset="
                            + List.of("ISO-8859-1", "utf-16", "us-ascii", "latin1", "windows-1252", "utf8").get(random.nextInt(6))
                    : List.of("text/plain", "text/html", "multipart/form-data; boundary=x", "application/xml", "application/octet-stream",
                            "application/jsonx", "form", "*/*").get(random.nextInt(8));
            return "the content type " + call.contentType;
        });

        // ---- values each route refuses for its own reasons
        SPOILERS.add((call, random) -> {
            Field f = call.field("ts");
            if (f == null) {
                return null;
            }
            long now = System.currentTimeMillis() / 1000;
            f.value = List.of("-" + f.value, Long.toString(now + 2 * 86400 + random.nextInt(1_000_000)), "1234567890123", "", "yesterday")
                    .get(random.nextInt(5));
            if (f.value.isEmpty()) {
                f.value = "0x" + Long.toHexString(now);
            }
            return "a ts that is not now-ish unix seconds";
        });
        SPOILERS.add((call, random) -> {
            Field f = call.field("progress");
            if (f == null) {
                return null;
            }
            f.value = List.of("101", "1000", "-1", "50%", "half").get(random.nextInt(5));
            return "a progress outside 0-100";
        });
        SPOILERS.add((call, random) -> {
            Field f = call.field("limit");
            if (f == null) {
                return null;
            }
            f.value = List.of("0", "1001", "99999999999").get(random.nextInt(3));
            return "a limit outside 1-1000";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.STATUS));
            if (f == null) {
                return null;
            }
            f.value = List.of(f.value.toLowerCase(Locale.ROOT), f.value.charAt(0) + f.value.substring(1).toLowerCase(Locale.ROOT),
                    "DONE", "CANCELED", call.route == Route.STOP ? "RUNNING" : "ANY", f.value + "," + f.value).get(random.nextInt(6));
            return "a status that is not one, exactly";
        });
        SPOILERS.add((call, random) -> {
            if (call.route != Route.STOP) {
                return null;
            }
            call.fields.removeIf(f -> f.name.equals("status") || f.name.equals("exit"));
            boolean finished = random.nextBoolean();
            call.fields.add(new Field("status", Kind.STATUS, finished ? "FINISHED" : "FAILED"));
            call.fields.add(new Field("exit", Kind.SIGNED_WHOLE, finished ? Integer.toString(1 + random.nextInt(255)) : "0"));
            return "a status that contradicts the exit code";
        });
        SPOILERS.add((call, random) -> {
            if (call.route != Route.STOP) {
                return null;
            }
            call.fields.add(new Field("logUpload", Kind.SINGLE_LINE, List.of("logs/" + call.id + "/1-abcdef01.log", "logs/0" + call.id
                    + "/1-abcdef01.log", "s3://x", "logs/" + call.id + "/../x.log").get(random.nextInt(4))));
            if (call.field("log") == null) {
                call.fields.add(new Field("log", Kind.BYTES, "inline"));
            }
            return "both log and logUpload";
        });
        SPOILERS.add((call, random) -> {
            Field f = call.field("task");
            if (f == null) {
                return null;
            }
            f.value = List.of("ecs-task-1", "task/lackey/abc", "ARN:aws:ecs", "arn" , "a".repeat(10)).get(random.nextInt(5));
            return "a task that is not an ARN";
        });
        SPOILERS.add((call, random) -> {
            Field f = call.field("inputs") != null ? call.field("inputs") : call.field("names");
            if (f == null) {
                return null;
            }
            f.value = f.value + "," + List.of("a/b", "..", ".", "a\\b", "../x", "x".repeat(201)).get(random.nextInt(6));
            f.repeated = false;
            return "a file name that leaves its folder in " + f.name;
        });
        SPOILERS.add((call, random) -> {
            Field f = call.field("waitFor");
            if (f == null) {
                return null;
            }
            if (random.nextBoolean()) {
                call.fields.removeIf(x -> x.name.equals("command"));
                return "waitFor without a command";
            }
            f.value = List.of("x", "/a", f.value.replaceFirst("/.*", "/"), "0/a", "a/b", f.value + "/c", f.value.replaceFirst("/", "/../"))
                    .get(random.nextInt(7));
            return "a waitFor that is not <run id>/<output name>";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.WHOLE));
            if (f == null || !f.name.endsWith("Timeout") && !f.name.equals("maxDuration")) {
                return null;
            }
            f.value = List.of("0", "2592001", "99999999").get(random.nextInt(3));
            return "a timeout outside 1 s to 30 days";
        });
        SPOILERS.add((call, random) -> {
            if (call.route != Route.SWEEP) {
                return null;
            }
            switch (random.nextInt(4)) {
                case 0 -> call.fields.removeIf(f -> f.kind == Kind.RUNS || f.kind == Kind.GRID);
                case 1 -> call.fields.add(call.field("runs") == null ? new Field("runs", Kind.RUNS, "[{\"a\":1}]")
                        : new Field("grid", Kind.GRID, "{\"a\":[1]}"));
                case 2 -> call.fields.stream().filter(f -> f.kind == Kind.RUNS || f.kind == Kind.GRID).forEach(f -> f.value = "[[1]]");
                default -> call.fields.stream().filter(f -> f.kind == Kind.RUNS || f.kind == Kind.GRID).forEach(f -> f.value = f.kind == Kind.RUNS
                        ? "[{\"a\":{\"nested\":1}}]" : "{\"a\":[[1]]}");
            }
            return "a sweep without one list of runs or one grid of scalars";
        });
        SPOILERS.add((call, random) -> {
            Field f = pick(random, call, Set.of(Kind.PARAMS));
            if (f == null) {
                return null;
            }
            f.value = List.of("[1]", "\"x\"", "1", "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":null}", "{\"a\":1", "{'a':1}")
                    .get(random.nextInt(8));
            return "params that are not an object of scalars";
        });
        SPOILERS.add((call, random) -> {
            if (call.route != Route.LIST) {
                return null;
            }
            switch (random.nextInt(4)) {
                case 0 -> call.query.add(new Field("cursor", Kind.SINGLE_LINE, List.of("x", "MToxOjE", hex(random, 60), "%3D%3D", "Mjox")
                        .get(random.nextInt(5))));
                case 1 -> {
                    call.query.removeIf(f -> f.name.equals("from") || f.name.equals("to"));
                    long now = System.currentTimeMillis() / 1000;
                    call.query.add(new Field("from", Kind.INSTANT, Long.toString(now)));
                    call.query.add(new Field("to", Kind.INSTANT, Long.toString(now - random.nextInt(86400))));
                }
                case 2 -> {
                    call.query.removeIf(f -> f.name.equals("from"));
                    call.query.add(new Field("from", Kind.INSTANT, List.of("2026-13-01T00:00:00Z", "2026-11-27", "2026-11-27T09:00:00 01:00",
                            "tomorrow", "2026-11-27T09:00:00", "99999999999999").get(random.nextInt(6))));
                }
                default -> {
                    call.query.removeIf(f -> f.name.equals("name"));
                    call.query.add(new Field("name", Kind.PREFIX, "x".repeat(201)));
                }
            }
            return "listing filters that name no window, page or prefix";
        });

        // ---- a body that is not a request at all
        SPOILERS.add((call, random) -> {
            if (!call.route.takesBody()) {
                return null;
            }
            byte[] noise = randomBytes(random, 16 + random.nextInt(200));
            noise[random.nextInt(noise.length)] = (byte) 0xFF; // never UTF-8, so never a valid form or JSON by chance
            call.bodyOverride = noise;
            call.contentType = random.nextBoolean() ? null : List.of("application/json", "application/x-www-form-urlencoded")
                    .get(random.nextInt(2));
            return "random bytes for a body";
        });
    }

    /** {@code text} with its first match of {@code regex} replaced by {@code replacement}, taken literally (backslashes too). */
    private static String insertAfterFirst(String text, String regex, String replacement) {
        return text.replaceFirst(regex, java.util.regex.Matcher.quoteReplacement(replacement));
    }

    private static Set<String> knownFields(Route route) {
        return switch (route) {
            case SCHEDULE -> Set.of("name", "command", "params", "tags", "startTimeout", "heartbeatTimeout", "maxDuration", "inputs", "waitFor");
            case SWEEP -> Set.of("name", "command", "params", "tags", "startTimeout", "heartbeatTimeout", "maxDuration", "runs", "grid");
            case START -> Set.of("token", "ts", "task");
            case HEARTBEAT -> Set.of("token", "ts", "progress", "message");
            case STOP -> Set.of("token", "ts", "status", "exit", "log", "logUpload");
            case LOG_UPLOAD -> Set.of("token");
            case CANCEL -> Set.of("reason");
            case LIST -> Set.of("status", "name", "tag", "from", "to", "limit", "cursor");
            case GET, LOG, FILES -> Set.of();
            case INPUTS -> Set.of("inputs");
            case OUTPUT_UPLOAD -> Set.of("token", "names");
        };
    }

    private static byte[] invalidUtf8(SplittableRandom random) {
        int[][] sequences = {{0x80}, {0xBF}, {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF},
                {0xF0, 0x80, 0x80, 0xAF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xFE}, {0xFF}, {0xE2, 0x82}, {0xC3},
                {0xF0, 0x9F, 0x98}, {0xC3, 0x28}};
        int[] chosen = sequences[random.nextInt(sequences.length)];
        byte[] bytes = new byte[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            bytes[i] = (byte) chosen[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b, boolean inTheMiddle) {
        int at = inTheMiddle && a.length > 1 ? a.length / 2 : a.length;
        // never split a UTF-8 sequence or a %-escape of the value: back up to the start of either
        while (at > 0 && at < a.length && ((a[at] & 0xC0) == 0x80 || a[at - 1] == '%' || (at >= 2 && a[at - 2] == '%'))) {
            at--;
        }
        var out = new ByteArrayOutputStream();
        out.write(a, 0, at);
        out.writeBytes(b);
        out.write(a, at, a.length - at);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ rendering

    private static Request render(Call call, String spoiled) {
        // a query string is always percent-encoded, as a URL must be
        String rawQuery = call.queryPrefix + new String(formBytes(call.query, true, call.emptyPairInside), StandardCharsets.US_ASCII)
                + call.querySuffix;
        byte[] body;
        if (call.bodyOverride != null) {
            body = call.bodyOverride;
        } else if (!call.route.takesBody()) {
            body = new byte[0];
        } else if (call.json) {
            body = jsonBody(call);
        } else {
            var out = new ByteArrayOutputStream();
            out.writeBytes(call.formPrefix.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(formBytes(call.fields, call.base64, call.emptyPairInside));
            out.writeBytes(call.formSuffix.getBytes(StandardCharsets.UTF_8));
            body = out.toByteArray();
        }
        boolean base64 = call.base64 || !isUtf8(body);
        return new Request(call.route, spoiled, call.id, rawQuery, call.contentType, body, base64);
    }

    /**
     * Form pairs: percent-encoded entirely (as curl --data-urlencode does) when {@code encodeAll}, or else with raw
     * bytes but for the few a value cannot hold raw ({@code & % + =} and, for safety in a text event, controls).
     */
    private static byte[] formBytes(List<Field> fields, boolean encodeAll, boolean emptyPairInside) {
        var out = new ByteArrayOutputStream();
        boolean first = true;
        int pairs = 0;
        for (Field f : fields) {
            List<byte[]> values = new ArrayList<>();
            if (f.rawForm != null) {
                values.add(f.rawForm);
            } else if (f.kind == Kind.LIST && f.repeated) {
                for (String item : f.value.split(",", -1)) {
                    values.add(item.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                values.add(f.value.getBytes(StandardCharsets.UTF_8));
            }
            for (byte[] value : values) {
                if (!first) {
                    out.writeBytes(emptyPairInside && pairs == 1 ? new byte[] {'&', '&'} : new byte[] {'&'});
                }
                first = false;
                pairs++;
                out.writeBytes(encode(f.name.getBytes(StandardCharsets.UTF_8), true));
                out.write('=');
                out.writeBytes(f.verbatimForm != null ? f.verbatimForm : f.rawForm != null ? rawFormValue(f.rawForm) : encode(value, encodeAll));
            }
        }
        return out.toByteArray();
    }

    /** Data as a raw form value: its bytes as they are, but {@code & + = %}, which a form value cannot hold raw. */
    private static byte[] rawFormValue(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b == '&' || b == '+' || b == '=' || b == '%') {
                out.writeBytes(("%" + HexFormat.of().withUpperCase().toHexDigits(b)).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] encode(byte[] bytes, boolean all) {
        var out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~';
            boolean rawOk = !all && c != '&' && c != '%' && c != '+' && c != '=' && c != ' ';
            if (unreserved || rawOk) {
                out.write(c);
            } else if (c == ' ' && all) {
                out.write('+');
            } else {
                out.writeBytes(("%" + HexFormat.of().withUpperCase().toHexDigits(b)).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return text.toString();
    }

    private static byte[] jsonBody(Call call) {
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        if (call.jsonFirstPair != null) {
            json.append(call.jsonFirstPair);
            first = false;
        }
        for (Field f : call.fields) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(jsonString(f.name)).append(':');
            if (f.jsonLiteral != null) {
                json.append(f.jsonLiteral);
            } else {
                json.append(switch (f.kind) {
                    case PARAMS, RUNS, GRID -> f.value;
                    case LIST -> {
                        StringBuilder list = new StringBuilder("[");
                        String[] items = f.value.split(",", -1);
                        for (int i = 0; i < items.length; i++) {
                            list.append(i > 0 ? "," : "").append(jsonString(items[i]));
                        }
                        yield list.append(']').toString();
                    }
                    case WHOLE, SIGNED_WHOLE -> f.value.matches("-?(0|[1-9][0-9]{0,17})") && f.value.length() < 16 && !f.value.equals("-0")
                            && (f.value.hashCode() & 1) == 0 ? f.value : jsonString(f.value); // a JSON integer or a string
                    default -> jsonString(f.value);
                });
            }
        }
        json.append('}').append(call.jsonSuffix);
        String text = json.toString();
        if (call.jsonRawBytes != null) {
            int at = text.indexOf(RAW_MARKER);
            var out = new ByteArrayOutputStream();
            out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(call.jsonRawBytes);
            out.writeBytes(text.substring(at + RAW_MARKER.length()).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String jsonString(String text) {
        return "\"" + jsonEscaped(text) + "\"";
    }

    /** A JSON string's content: quotes, backslashes and every control character escaped; the rest as it is. */
    static String jsonEscaped(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || Character.isSurrogate(c) && !validPair(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean validPair(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
