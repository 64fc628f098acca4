package lackey.local;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge's {@code cron(minutes hours day-of-month month day-of-week year)}, in UTC, so the local cloud
 * fires cron schedules when AWS would. Supports numbers, names (JAN-DEC, SUN-SAT), {@code *}, {@code ?},
 * ranges, lists and steps; the rarer {@code L}, {@code W} and {@code #} are refused with a clear message.
 */
final class CronSchedule {

    private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** A schedule with no time in the next five years never fires; stop looking there. */
    private static final int HORIZON_YEARS = 5;

    private final BitSet minutes;
    private final BitSet hours;
    private final Optional<BitSet> daysOfMonth;
    private final BitSet months;
    private final Optional<BitSet> daysOfWeek;
    private final BitSet years;

    private CronSchedule(BitSet minutes, BitSet hours, Optional<BitSet> daysOfMonth, BitSet months,
                         Optional<BitSet> daysOfWeek, BitSet years) {
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.years = years;
    }

    /** Parses {@code cron(...)}; empty for anything that is not a cron expression (such as {@code rate(...)}). */
    static Optional<CronSchedule> parse(String expression) {
        Matcher matcher = CRON.matcher(expression.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String[] fields = matcher.group(1).trim().split("\\s+");
        if (fields.length != 6) {
            throw new IllegalArgumentException(expression + ": a cron expression has 6 fields");
        }
        boolean domAny = fields[2].equals("?");
        boolean dowAny = fields[4].equals("?");
        if (domAny == dowAny) {
            throw new IllegalArgumentException(expression + ": exactly one of day-of-month and day-of-week must be ?");
        }
        return Optional.of(new CronSchedule(
                field(fields[0], 0, 59, List.of(), 0),
                field(fields[1], 0, 23, List.of(), 0),
                domAny ? Optional.empty() : Optional.of(field(fields[2], 1, 31, List.of(), 0)),
                field(fields[3], 1, 12, MONTHS, 1),
                dowAny ? Optional.empty() : Optional.of(field(fields[4], 1, 7, DAYS, 1)),
                field(fields[5], 1970, 2199, List.of(), 0)));
    }

    /** The first time strictly after {@code after} (UTC, whole minutes) when the schedule fires. */
    Optional<ZonedDateTime> nextAfter(ZonedDateTime after) {
        ZonedDateTime t = after.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime horizon = t.plusYears(HORIZON_YEARS);
        while (t.isBefore(horizon)) {
            if (!years.get(t.getYear())) {
                t = t.plusYears(1).withDayOfYear(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!months.get(t.getMonthValue())) {
                t = t.plusMonths(1).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!dayMatches(t)) {
                t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!hours.get(t.getHour())) {
                t = t.plusHours(1).truncatedTo(ChronoUnit.HOURS);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private boolean dayMatches(ZonedDateTime t) {
        if (daysOfMonth.isPresent()) {
            return daysOfMonth.get().get(t.getDayOfMonth());
        }
        int sundayFirst = t.getDayOfWeek().getValue() % 7 + 1; // EventBridge: 1 = SUN … 7 = SAT
        return daysOfWeek.orElseThrow().get(sundayFirst);
    }

    private static BitSet field(String text, int min, int max, List<String> names, int firstNameValue) {
        BitSet values = new BitSet(max + 1);
        for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
            if (part.matches(".*[LW#].*") && !names.contains(part)) {
                throw new IllegalArgumentException("cron field '" + text + "': L, W and # are not fired locally");
            }
            String[] stepped = part.split("/", 2);
            int step = stepped.length == 2 ? Integer.parseInt(stepped[1]) : 1;
            int from;
            int to;
            if (stepped[0].equals("*")) {
                from = min;
                to = max;
            } else if (stepped[0].contains("-")) {
                String[] range = stepped[0].split("-", 2);
                from = value(range[0], names, firstNameValue);
                to = value(range[1], names, firstNameValue);
            } else {
                from = value(stepped[0], names, firstNameValue);
                to = stepped.length == 2 ? max : from;
            }
            if (from < min || to > max || from > to || step < 1) {
                throw new IllegalArgumentException("cron field '" + text + "' is outside " + min + "-" + max);
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int value(String text, List<String> names, int firstNameValue) {
        int named = names.indexOf(text);
        return named >= 0 ? named + firstNameValue : Integer.parseInt(text);
    }
}
