package lackey.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times and durations as a person reads and types them: short instants in the local time zone for tables,
 * {@code 3h04m} for durations, and {@code 2h}, {@code 1d} or an ISO instant for {@code --since}.
 */
final class TimeText {

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d|w)");
    private static final Pattern LENGTH = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter THIS_YEAR = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter OTHER_YEAR = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private TimeText() {
    }

    /** An instant in a table cell: {@code 18:00:03} today, {@code Nov 27 18:00} this year, else {@code 2025-11-27}. */
    static String shortInstant(Instant at, Instant now, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        ZonedDateTime today = now.atZone(zone);
        if (local.toLocalDate().equals(today.toLocalDate())) {
            return TODAY.format(local);
        }
        if (local.getYear() == today.getYear()) {
            return THIS_YEAR.format(local);
        }
        return OTHER_YEAR.format(local);
    }

    /** An instant in full, local time: {@code 2026-11-27 18:00:03}. */
    static String fullInstant(Instant at, ZoneId zone) {
        return FULL.format(at.atZone(zone));
    }

    /** A length of time in at most two units: {@code 42s}, {@code 12m03s}, {@code 3h04m}, {@code 2d03h}. */
    static String duration(long seconds) {
        if (seconds < 0) {
            return "-" + duration(-seconds);
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /**
     * The start of a {@code --since}: an age ({@code 30m}, {@code 2h}, {@code 1d}, {@code 1w}) before now, an
     * ISO-8601 instant ({@code 2026-11-27T09:00:00Z}, an offset or none: then local time) or a date (local midnight).
     */
    static Instant since(String text, Instant now, ZoneId zone) {
        String value = text.strip();
        Matcher ago = AGO.matcher(value);
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration unit = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            // an instant without an offset, or a date, is local time
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notUtc) {
            // next form
        }
        try {
            return java.time.LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeParseException notLocal) {
            // next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException notDate) {
            throw CliFailure.usage("cannot read '" + text + "' as a time",
                    "give an age such as 30m, 2h, 1d or 1w, or an instant such as 2026-11-27T09:00:00Z or 2026-11-27");
        }
    }

    /** A length typed on the command line: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}. */
    static Duration length(String option, String text) {
        Matcher matcher = LENGTH.matcher(text.strip());
        if (!matcher.matches()) {
            throw CliFailure.usage(option + " takes a length of time such as 30s, 5m or 1h, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** A byte count for a person: {@code 18 B}, {@code 2.6 MiB}. */
    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
}
