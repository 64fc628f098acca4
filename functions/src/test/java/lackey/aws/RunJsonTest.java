package lackey.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import lackey.run.ClientTime;
import lackey.run.Deadline;
import lackey.run.DeadlineKind;
import lackey.run.Heartbeat;
import lackey.run.Interruption;
import lackey.run.LogRef;
import lackey.run.Outputs;
import lackey.run.Run;
import lackey.run.RunId;
import lackey.run.RunSpec;
import lackey.run.RunStatus;
import org.junit.jupiter.api.Test;

class RunJsonTest {

    /** ISO-8601 in UTC with exactly three fractional digits: the one shape of every instant lackey shows. */
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    @Test
    void everyInstantHasExactlyMillisecondsWhateverItsPrecision() {
        Instant nanos = Instant.parse("2026-11-27T18:00:03.412345678Z");
        Instant whole = Instant.parse("2026-11-27T18:00:04Z");
        Instant tenths = Instant.parse("2026-11-27T18:00:05.100Z");
        Run run = new Run(new RunId(7), new RunSpec("json", Optional.empty(), Map.of(), List.of()), RunStatus.LOST,
                whole, Optional.of(ClientTime.parse("ts", "1764266400", nanos)), Optional.of(nanos),
                Optional.of(ClientTime.parse("ts", "1764266500", nanos)), Optional.of(tenths), Optional.of(0),
                Optional.of(new LogRef("s3://b/logs/7/a.log", 3)),
                Optional.of(new Heartbeat(ClientTime.parse("ts", "1764266450", nanos), nanos, Optional.of(5), Optional.empty())),
                Optional.of(new Deadline(whole, DeadlineKind.HEARTBEAT)),
                Optional.of(new Interruption(nanos, "no heartbeat for 120 s", Optional.of(RunStatus.FINISHED))),
                Optional.empty(), Optional.of(new Outputs(List.of("result.txt"), nanos)));

        JsonNode json = RunJson.of(run);

        List<String> instants = new ArrayList<>();
        for (String path : List.of("/scheduledAt", "/startedReceivedAt", "/stoppedReceivedAt", "/heartbeat/receivedAt",
                "/deadline/at", "/lostAt", "/lastOutputAt")) {
            instants.add(json.at(path).asText());
        }
        instants.forEach(text -> assertTrue(INSTANT.matcher(text).matches(), text + " in " + json));
        assertEquals("2026-11-27T18:00:03.412Z", json.at("/lastOutputAt").asText());
        assertEquals("2026-11-27T18:00:04.000Z", json.at("/scheduledAt").asText());
        assertEquals("2026-11-27T18:00:05.100Z", json.at("/stoppedReceivedAt").asText());
    }

    @Test
    void instantTextTruncatesToTheMillisecond() {
        assertEquals("1970-01-01T00:00:00.000Z", RunJson.instant(Instant.EPOCH));
        assertEquals("2026-01-02T03:04:05.999Z", RunJson.instant(Instant.parse("2026-01-02T03:04:05.999999999Z")));
    }
}
