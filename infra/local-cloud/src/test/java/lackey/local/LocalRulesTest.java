package lackey.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalRulesTest {

    @Test
    void rateExpressionsBecomePeriods() {
        assertEquals(Optional.of(Duration.ofMinutes(1)), LocalRules.rate("rate(1 minute)"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), LocalRules.rate("rate(5 minutes)"));
        assertEquals(Optional.of(Duration.ofHours(2)), LocalRules.rate("rate(2 hours)"));
        assertEquals(Optional.of(Duration.ofDays(1)), LocalRules.rate("rate(1 day)"));
    }

    @Test
    void cronAndNonsenseAreNotFiredLocally() {
        assertTrue(LocalRules.rate("cron(0 12 * * ? *)").isEmpty());
        assertTrue(LocalRules.rate("rate(soon)").isEmpty());
    }
}
