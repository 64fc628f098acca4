package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    private static ZonedDateTime next(String cron, String after) {
        return CronSchedule.parse(cron).orElseThrow().nextAfter(ZonedDateTime.parse(after)).orElseThrow();
    }

    @Test
    void dailyAtTwo() {
        assertEquals(ZonedDateTime.parse("2026-11-28T02:00Z"), next("cron(0 2 * * ? *)", "2026-11-27T19:47:13Z"));
        assertEquals(ZonedDateTime.parse("2026-11-28T02:00Z"), next("cron(0 2 * * ? *)", "2026-11-28T01:59Z"));
        assertEquals(ZonedDateTime.parse("2026-11-29T02:00Z"), next("cron(0 2 * * ? *)", "2026-11-28T02:00Z"));
    }

    @Test
    void everyFifteenMinutesOnWeekdays() {
        // 2026-11-27 is a Friday; the next weekday slot after Friday 23:50 is Monday 00:00
        assertEquals(ZonedDateTime.parse("2026-11-30T00:00Z"), next("cron(0/15 * ? * MON-FRI *)", "2026-11-27T23:50Z"));
        assertEquals(ZonedDateTime.parse("2026-11-27T10:15Z"), next("cron(0/15 * ? * MON-FRI *)", "2026-11-27T10:01Z"));
    }

    @Test
    void firstOfTheMonthInListedMonthsAndYears() {
        assertEquals(ZonedDateTime.parse("2027-03-01T08:30Z"), next("cron(30 8 1 MAR,JUN ? 2027)", "2026-11-27T00:00Z"));
    }

    @Test
    void sundayIsDayOne() {
        assertEquals(ZonedDateTime.parse("2026-11-29T12:00Z"), next("cron(0 12 ? * 1 *)", "2026-11-27T00:00Z"));
    }

    @Test
    void rateIsNotCronAndBadExpressionsAreRefused() {
        assertTrue(CronSchedule.parse("rate(1 minute)").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("cron(0 2 * * * *)"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("cron(0 2 L * ? *)"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("cron(61 2 * * ? *)"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("cron(0 2 * *)"));
    }
}
