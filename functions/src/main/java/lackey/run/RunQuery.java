package lackey.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which runs to list, newest first, and how many: the filters of {@code GET /api/runs}, validated on
 * construction. Times are schedule times; {@code from} is inclusive and {@code to} exclusive, so
 * consecutive windows never overlap. A cursor continues a previous page below its last run.
 *
 * <p>A cursor's text carries a checksum of its place and of the filters it was made for, so an edited or made-up
 * cursor, or one passed back with other filters, is refused instead of silently listing something else. It is
 * not a secret and grants nothing: anyone who may list may list every page.
 */
public record RunQuery(Optional<RunStatus> status, Optional<String> namePrefix, Optional<String> tag,
                       Optional<Instant> from, Optional<Instant> to, int limit, Optional<RunCursor> cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    private static final Instant LATEST = Instant.ofEpochMilli(RunCursor.MAX_MILLIS);

    /** "2:" + 13-digit millis + ":" + 12-digit id + ":" + 16 hex digits is 45 characters; base64 makes 60. */
    private static final int MAX_CURSOR_TEXT = 80;
    private static final Pattern CURSOR = Pattern.compile("2:(\\d{1,13}):(\\d{1,12}):([0-9a-f]{16})");

    /** The query parameters {@code GET /api/runs} understands; any other is refused, so a typo is not ignored. */
    public static final Set<String> PARAMETERS = Set.copyOf(
            List.of("status", "name", "tag", "from", "to", "limit", "cursor"));

    public RunQuery {
        status = status == null ? Optional.empty() : status;
        namePrefix = namePrefix == null ? Optional.empty() : namePrefix;
        tag = tag == null ? Optional.empty() : tag;
        from = from == null ? Optional.empty() : from;
        to = to == null ? Optional.empty() : to;
        cursor = cursor == null ? Optional.empty() : cursor;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInput("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        if (namePrefix.isPresent() && (namePrefix.get().isEmpty() || namePrefix.get().length() > RunSpec.MAX_NAME)) {
            throw new InvalidInput("name must be 1 to " + RunSpec.MAX_NAME + " characters");
        }
        namePrefix.ifPresent(prefix -> TextField.prefix("name", prefix));
        if (tag.isPresent() && (tag.get().isEmpty() || tag.get().length() > RunSpec.MAX_TAG)) {
            throw new InvalidInput("tag must be 1 to " + RunSpec.MAX_TAG + " characters");
        }
        tag.ifPresent(t -> TextField.singleLine("tag", t));
        from.ifPresent(t -> checkRange("from", t));
        to.ifPresent(t -> checkRange("to", t));
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new InvalidInput("from must be before to");
        }
    }

    /** Every run, newest first, {@code limit} to a page. */
    public static RunQuery newest(int limit) {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                limit, Optional.empty());
    }

    /**
     * Reads the query parameters of {@code GET /api/runs}: {@code status}, {@code name} (a prefix), {@code tag},
     * {@code from} and {@code to} (ISO-8601 instants or unix seconds), {@code limit} and {@code cursor}. Each value
     * is taken exactly as given: a status in upper case, numbers in the one form of {@link WholeNumber}.
     */
    public static RunQuery fromParameters(Map<String, String> parameters) {
        Set<String> unknown = new LinkedHashSet<>(parameters.keySet());
        unknown.removeAll(PARAMETERS);
        if (!unknown.isEmpty()) {
            throw new InvalidInput("unknown parameter(s) " + String.join(", ", unknown.stream().map(RunId::abbreviate).toList())
                    + "; known are status, name, tag, from, to, limit, cursor");
        }
        RunQuery filters = new RunQuery(
                value(parameters, "status").map(RunQuery::status),
                value(parameters, "name"),
                value(parameters, "tag"),
                value(parameters, "from").map(text -> time("from", text)),
                value(parameters, "to").map(text -> time("to", text)),
                value(parameters, "limit").map(RunQuery::limit).orElse(DEFAULT_LIMIT),
                Optional.empty());
        return value(parameters, "cursor").map(filters::readCursor).map(filters::continuingAt).orElse(filters);
    }

    /**
     * The opaque text a page of this query hands out as {@code cursor} to continue below {@code next}: base64url
     * without padding (safe in a query string) of the place and a checksum binding it to these filters.
     */
    public String cursorFor(RunCursor next) {
        String plain = "2:" + next.scheduledAtMillis() + ":" + next.id() + ":" + checksum(next);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads a cursor a page of a query with the same filters handed out; anything else is bad input. */
    private RunCursor readCursor(String text) {
        if (text.length() > MAX_CURSOR_TEXT) {
            throw malformedCursor();
        }
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw malformedCursor();
        }
        Matcher matcher = CURSOR.matcher(plain);
        if (!matcher.matches()) {
            throw malformedCursor();
        }
        RunCursor place = new RunCursor(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
        if (!MessageDigest.isEqual(checksum(place).getBytes(StandardCharsets.US_ASCII),
                matcher.group(3).getBytes(StandardCharsets.US_ASCII))) {
            throw new InvalidInput("cursor was changed or belongs to other filters: pass back the cursor of the "
                    + "previous page unchanged, with the same status, name, tag, from and to");
        }
        return place;
    }

    /** The first 8 bytes of a SHA-256 over the place and the filters, each length-prefixed so none can mimic another. */
    private String checksum(RunCursor place) {
        StringBuilder text = new StringBuilder("lackey cursor 2");
        for (String part : List.of(Long.toString(place.scheduledAtMillis()), Long.toString(place.id()),
                status.map(Enum::name).orElse(""), namePrefix.orElse(""), tag.orElse(""),
                from.map(Instant::toString).orElse(""), to.map(Instant::toString).orElse(""))) {
            text.append('|').append(part.length()).append(':').append(part);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static InvalidInput malformedCursor() {
        return new InvalidInput("cursor is malformed: pass back the cursor of the previous page unchanged");
    }

    /** The same filters, continuing below {@code next}. */
    public RunQuery continuingAt(RunCursor next) {
        return new RunQuery(status, namePrefix, tag, from, to, limit, Optional.of(next));
    }

    /** The exclusive upper end of the window: the cursor or {@code to}, whichever is older. */
    public Optional<RunCursor> before() {
        Optional<RunCursor> end = to.map(t -> new RunCursor(ceilMillis(t), 0));
        if (cursor.isEmpty()) {
            return end;
        }
        if (end.isEmpty()) {
            return cursor;
        }
        return Optional.of(cursor.get().compareTo(end.get()) < 0 ? cursor.get() : end.get());
    }

    /** The inclusive lower end of the window, from {@code from}. */
    public Optional<RunCursor> notBefore() {
        return from.map(t -> new RunCursor(ceilMillis(t), 0));
    }

    /** True when no run can be in the window (a cursor already below {@code from}): nothing need be read. */
    public boolean windowIsEmpty() {
        return before().isPresent() && notBefore().isPresent() && before().get().compareTo(notBefore().get()) <= 0;
    }

    /** True when the query needs more than an index key to select runs: a name prefix or a tag. */
    public boolean filtersBeyondKeys() {
        return namePrefix.isPresent() || tag.isPresent();
    }

    private static Optional<String> value(Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isEmpty()) {
            throw new InvalidInput(name + " is empty: give a value or leave the parameter out");
        }
        return Optional.of(value);
    }

    private static RunStatus status(String text) {
        try {
            return RunStatus.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("status must be one of " + List.of(RunStatus.values()) + ", got '"
                    + RunId.abbreviate(text) + "'");
        }
    }

    private static int limit(String text) {
        var value = WholeNumber.read(text, false, 9);
        if (value.isEmpty()) {
            throw new InvalidInput("limit must be a whole number from 1 to " + MAX_LIMIT + " in ASCII digits, got '"
                    + RunId.abbreviate(text) + "'");
        }
        return (int) value.getAsLong();
    }

    /**
     * Unix seconds in the one form of {@link WholeNumber}, or an ISO-8601 instant with {@code Z} or an offset, as
     * given: a {@code +} of an offset must come percent-encoded ({@code %2B}), as a bare {@code +} in a query string
     * is a space.
     */
    private static Instant time(String name, String text) {
        var seconds = WholeNumber.read(text, false, 12);
        if (seconds.isPresent()) {
            return Instant.ofEpochSecond(seconds.getAsLong());
        }
        try {
            if (!text.chars().allMatch(c -> c > ' ' && c < 0x7F)) {
                throw new DateTimeParseException("not ASCII", text, 0);
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(name + " must be unix seconds or an ISO-8601 instant such as "
                    + "2026-11-27T18:00:00Z (an offset's + sent as %2B), got '" + RunId.abbreviate(text) + "'");
        }
    }

    private static void checkRange(String name, Instant time) {
        if (time.isBefore(Instant.EPOCH) || time.isAfter(LATEST)) {
            throw new InvalidInput(name + " must be between 1970 and 2286");
        }
    }

    /** Schedule times are whole milliseconds: a bound between two of them acts as the next one. */
    private static long ceilMillis(Instant time) {
        return time.toEpochMilli() + (time.getNano() % 1_000_000 == 0 ? 0 : 1);
    }
}
