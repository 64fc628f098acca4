package lackey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeTextTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-11-27T17:30:00Z"); // 18:30 in Berlin

    @Test
    void durationsShowAtMostTwoUnits() {
        assertEquals("0s", TimeText.duration(0));
        assertEquals("59s", TimeText.duration(59));
        assertEquals("1m00s", TimeText.duration(60));
        assertEquals("12m03s", TimeText.duration(723));
        assertEquals("1h00m", TimeText.duration(3600));
        assertEquals("3h04m", TimeText.duration(3 * 3600 + 4 * 60 + 59));
        assertEquals("23h59m", TimeText.duration(86_399));
        assertEquals("2d03h", TimeText.duration(2 * 86_400 + 3 * 3600 + 120));
    }

    @Test
    void tableInstantsAreLocalAndShorterTheNearerTheyAre() {
        assertEquals("18:00:03", TimeText.shortInstant(Instant.parse("2026-11-27T17:00:03Z"), NOW, BERLIN));
        assertEquals("Nov 26 23:59", TimeText.shortInstant(Instant.parse("2026-11-26T22:59:00Z"), NOW, BERLIN));
        assertEquals("2025-12-31", TimeText.shortInstant(Instant.parse("2025-12-31T10:00:00Z"), NOW, BERLIN));
        assertEquals("00:30:00", TimeText.shortInstant(Instant.parse("2026-11-26T23:30:00Z"), NOW, BERLIN),
                "already the 27th in Berlin");
    }

    @Test
    void sinceTakesAnAgeAnInstantOrADate() {
        assertEquals(NOW.minusSeconds(2 * 3600), TimeText.since("2h", NOW, BERLIN));
        assertEquals(NOW.minus(Duration.ofDays(1)), TimeText.since("1d", NOW, BERLIN));
        assertEquals(NOW.minus(Duration.ofDays(14)), TimeText.since("2w", NOW, BERLIN));
        assertEquals(NOW.minusSeconds(30 * 60), TimeText.since("30m", NOW, BERLIN));
        assertEquals(Instant.parse("2026-11-27T09:00:00Z"), TimeText.since("2026-11-27T09:00:00Z", NOW, BERLIN));
        assertEquals(Instant.parse("2026-11-27T08:00:00Z"), TimeText.since("2026-11-27T09:00:00+01:00", NOW, BERLIN));
        assertEquals(Instant.parse("2026-11-27T08:00:00Z"), TimeText.since("2026-11-27T09:00:00", NOW, BERLIN), "local time");
        assertEquals(Instant.parse("2026-11-26T23:00:00Z"), TimeText.since("2026-11-27", NOW, BERLIN), "local midnight");
    }

    @Test
    void anUnreadableTimeIsAUsageErrorThatShowsTheForms() {
        CliFailure failure = assertThrows(CliFailure.class, () -> TimeText.since("yesterday", NOW, BERLIN));
        assertEquals(ExitCode.USAGE, failure.exitCode());
        assertEquals("cannot read 'yesterday' as a time", failure.getMessage());
        assertEquals("give an age such as 30m, 2h, 1d or 1w, or an instant such as 2026-11-27T09:00:00Z or 2026-11-27", failure.hint());
    }

    @Test
    void lengthsTakeUnitsFromMillisecondsToDays() {
        assertEquals(Duration.ofMillis(500), TimeText.length("--x", "500ms"));
        assertEquals(Duration.ofSeconds(30), TimeText.length("--x", "30s"));
        assertEquals(Duration.ofMinutes(5), TimeText.length("--x", "5m"));
        assertEquals(Duration.ofHours(1), TimeText.length("--x", "1h"));
        assertEquals(Duration.ofDays(2), TimeText.length("--x", "2d"));
        CliFailure failure = assertThrows(CliFailure.class, () -> TimeText.length("--heartbeat", "30"));
        assertEquals("--heartbeat takes a length of time such as 30s, 5m or 1h, not '30'", failure.getMessage());
    }

    @Test
    void byteCountsReadLikeLs() {
        assertEquals("18 B", TimeText.bytes(18));
        assertEquals("1.0 KiB", TimeText.bytes(1024));
        assertEquals("2.6 MiB", TimeText.bytes(2_688_895));
        assertEquals("100 MiB", TimeText.bytes(100L * 1024 * 1024));
    }
}
