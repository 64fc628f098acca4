package lackey.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Upload links for inputs and the listing of a run's folder, over a fake of the files port. */
class RunExchangeTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    /** Signs fake URLs that name key and validity; lists what {@link #stored} holds. */
    private static final class FakeFiles implements ExchangeFiles {
        final List<StoredFile> stored = new ArrayList<>();
        final List<String> listedPrefixes = new ArrayList<>();

        @Override
        public URI upload(String key, Duration validFor) {
            return URI.create("https://s3.test/put/" + key + "?expires=" + validFor.toSeconds());
        }

        @Override
        public URI download(String key, Duration validFor) {
            return URI.create("https://s3.test/get/" + key + "?expires=" + validFor.toSeconds());
        }

        @Override
        public boolean exists(String key) {
            return stored.stream().anyMatch(file -> file.key().equals(key));
        }

        @Override
        public List<StoredFile> list(String prefix) {
            listedPrefixes.add(prefix);
            return stored.stream().filter(file -> file.key().startsWith(prefix)).toList();
        }
    }

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final FakeFiles files = new FakeFiles();
    private final RunExchange exchange = new RunExchange(store, files, Clock.fixed(NOW, ZoneOffset.UTC));

    private RunId scheduled(long id) {
        RunId run = new RunId(id);
        store.create(Run.scheduled(run, new RunSpec("x", Optional.empty(), Map.of(), List.of()), NOW), Token.generate().hash());
        return run;
    }

    @Test
    void eachInputGetsAnHourLongPutLinkUnderTheRunsInFolder() {
        var uploads = exchange.uploads(new RunId(7), List.of("params.txt", "mesh.dat"));
        assertEquals(List.of(
                new RunExchange.Upload("params.txt", URI.create("https://s3.test/put/exchange/7/in/params.txt?expires=3600"),
                        NOW.plus(Duration.ofHours(1))),
                new RunExchange.Upload("mesh.dat", URI.create("https://s3.test/put/exchange/7/in/mesh.dat?expires=3600"),
                        NOW.plus(Duration.ofHours(1)))), uploads);
        assertEquals(List.of(), files.listedPrefixes, "scheduling only signs");
    }

    @Test
    void listsInputsAndOutputsApartWithFifteenMinuteLinksAndSkipsFolderMarkers() {
        RunId run = scheduled(7);
        scheduled(70);
        Instant written = NOW.minusSeconds(60);
        files.stored.addAll(List.of(
                new ExchangeFiles.StoredFile("exchange/7/in/params.txt", 12, written),
                new ExchangeFiles.StoredFile("exchange/7/out/", 0, written),
                new ExchangeFiles.StoredFile("exchange/7/out/result.txt", 12, written),
                new ExchangeFiles.StoredFile("exchange/7/out/plots/a.png", 3, written),
                new ExchangeFiles.StoredFile("exchange/70/out/other.txt", 5, written)));

        RunExchange.Files listed = exchange.files(run);
        assertEquals(List.of("exchange/7/in/", "exchange/7/out/"), files.listedPrefixes, "the run's folders only, not 70's");
        assertEquals(List.of(new RunExchange.File("params.txt", 12, written,
                URI.create("https://s3.test/get/exchange/7/in/params.txt?expires=900"))), listed.inputs());
        assertEquals(List.of("result.txt", "plots/a.png"), listed.outputs().stream().map(RunExchange.File::name).toList());
        assertEquals(NOW.plus(Duration.ofMinutes(15)), listed.expiresAt());
    }

    @Test
    void anUnknownRunIsNotFoundAndNothingIsListed() {
        assertThrows(RunNotFound.class, () -> exchange.files(new RunId(404)));
        assertEquals(List.of(), files.listedPrefixes);
    }

    private RunId scheduled(long id, Token token) {
        RunId run = new RunId(id);
        store.create(Run.scheduled(run, new RunSpec("x", Optional.empty(), Map.of(), List.of()), NOW), token.hash());
        return run;
    }

    @Test
    void moreInputsOfALiveRunGetHourLongPutLinksUnderItsInFolder() {
        RunId run = scheduled(7);
        var uploads = exchange.inputUploads(run, List.of("params.txt", "params.txt", "mesh.dat"));
        assertEquals(List.of(
                new RunExchange.Upload("params.txt", URI.create("https://s3.test/put/exchange/7/in/params.txt?expires=3600"),
                        NOW.plus(Duration.ofHours(1))),
                new RunExchange.Upload("mesh.dat", URI.create("https://s3.test/put/exchange/7/in/mesh.dat?expires=3600"),
                        NOW.plus(Duration.ofHours(1)))), uploads, "duplicates collapse, as at scheduling");
    }

    @Test
    void inputsOfAnUnknownRunAreNotFoundAndOfAnEndedRunConflict() {
        assertThrows(RunNotFound.class, () -> exchange.inputUploads(new RunId(404), List.of("a.txt")));
        RunId run = scheduled(8);
        store.markCancelled(run, "enough", NOW);
        WrongState ended = assertThrows(WrongState.class, () -> exchange.inputUploads(run, List.of("a.txt")));
        assertEquals("run 8 is CANCELLED, so it cannot take inputs", ended.getMessage());
    }

    @Test
    void badOrMissingInputNamesAreRefusedBeforeTheRunIsRead() {
        for (List<String> names : List.of(List.<String>of(), List.of("../x"), List.of("a/b"), List.of(""))) {
            assertThrows(InvalidInput.class, () -> exchange.inputUploads(new RunId(404), names), names.toString());
        }
    }

    @Test
    void aRunningSimulationGetsPutLinksUnderItsOutFolderWithItsToken() {
        Token token = Token.generate();
        RunId run = scheduled(9, token);
        store.markStarted(run, token.hash(), new ClientTime(NOW.getEpochSecond()), NOW, Optional.empty());
        var uploads = exchange.outputUploads(run, token, List.of("result.csv"));
        assertEquals(List.of(new RunExchange.Upload("result.csv",
                URI.create("https://s3.test/put/exchange/9/out/result.csv?expires=3600"), NOW.plus(Duration.ofHours(1)))), uploads);
    }

    @Test
    void outputLinksNeedTheRunsOwnTokenAndARunningRun() {
        Token token = Token.generate();
        RunId run = scheduled(10, token);
        WrongState notYet = assertThrows(WrongState.class, () -> exchange.outputUploads(run, token, List.of("r.csv")));
        assertEquals("run 10 is SCHEDULED, so it cannot upload outputs", notYet.getMessage());
        store.markStarted(run, token.hash(), new ClientTime(NOW.getEpochSecond()), NOW, Optional.empty());
        assertThrows(WrongToken.class, () -> exchange.outputUploads(run, Token.generate(), List.of("r.csv")));
        assertThrows(RunNotFound.class, () -> exchange.outputUploads(new RunId(404), token, List.of("r.csv")));
        InvalidInput badName = assertThrows(InvalidInput.class, () -> exchange.outputUploads(run, token, List.of("a/b")));
        assertEquals("output name 'a/b' must not contain a slash", badName.getMessage());
        assertThrows(InvalidInput.class, () -> exchange.outputUploads(run, token, List.of()));
    }
}
