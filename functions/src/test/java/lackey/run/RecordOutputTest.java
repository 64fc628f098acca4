package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordOutputTest {

    private final List<OutputFile> recorded = new ArrayList<>();
    private final List<OutputFile> published = new ArrayList<>();
    private boolean busUp = true;
    private final OutputStore store = (output, at) -> {
        if (!Set.of(1L, 2L).contains(output.run().value())) {
            return false;
        }
        recorded.add(output);
        return true;
    };
    private final OutputEvents events = (output, size) -> {
        if (busUp) {
            published.add(output);
        }
        return busUp;
    };
    private final RecordOutput outputs = new RecordOutput(store, events,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void recordsAndPublishesAnOutputOfAKnownRun() {
        assertEquals(RecordOutput.Outcome.RECORDED, outputs.objectCreated("exchange/1/out/result.csv", 18));
        assertEquals(List.of(new OutputFile(new RunId(1), "result.csv")), recorded);
        assertEquals(recorded, published);
    }

    @Test
    void skipsInputsAndUnknownRunsWithoutPublishing() {
        assertEquals(RecordOutput.Outcome.NOT_AN_OUTPUT, outputs.objectCreated("exchange/1/in/params.txt", 7));
        assertEquals(RecordOutput.Outcome.UNKNOWN_RUN, outputs.objectCreated("exchange/3/out/result.csv", 7));
        assertEquals(List.of(), recorded);
        assertEquals(List.of(), published);
    }

    @Test
    void anOutputStaysRecordedWhenTheBusRefusesItsEvent() {
        busUp = false;
        assertEquals(RecordOutput.Outcome.RECORDED_NOT_PUBLISHED, outputs.objectCreated("exchange/2/out/a.bin", 1));
        assertEquals(1, recorded.size());
    }
}
