package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Local files sent as a run's inputs: named by their file name, checked before any call, uploaded through links. */
final class Inputs {

    private Inputs() {
    }

    /** Each file by the name it gets in the exchange folder (its file name); missing files and clashes are usage errors. */
    static Map<String, Path> byName(List<Path> paths) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path path : paths) {
            if (!Files.isRegularFile(path)) {
                throw CliFailure.usage("cannot read " + path + ": no such file");
            }
            String name = path.getFileName().toString();
            Path other = byName.put(name, path);
            if (other != null && !other.equals(path)) {
                throw CliFailure.usage("two inputs are named " + name + " (" + other + " and " + path + ")",
                        "inputs are stored by file name: rename one");
            }
        }
        return byName;
    }

    /** PUTs each file to the link the API gave for its name, telling each on {@code err}. */
    static void upload(LackeyApi api, JsonNode uploads, Map<String, Path> byName, PrintWriter err) {
        for (JsonNode link : uploads) {
            Path file = byName.get(link.path("name").asText());
            if (file == null) {
                continue;
            }
            api.upload(URI.create(link.path("url").asText()), file);
            try {
                err.println("uploaded " + link.path("name").asText() + " (" + TimeText.bytes(Files.size(file)) + ")");
            } catch (java.io.IOException e) {
                err.println("uploaded " + link.path("name").asText());
            }
            err.flush();
        }
    }
}
