package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lackey files ID}: a run's exchange folder, its inputs and outputs; {@code files get} downloads one,
 * {@code files put} uploads inputs. Files travel through the presigned links the API hands out, never through it.
 */
@Command(name = "files", sortOptions = false, subcommands = {FilesCommand.Get.class, FilesCommand.Put.class},
        description = {"List a run's exchange files: its inputs and its outputs.",
                "`files get` downloads one, `files put` uploads inputs."},
        footerHeading = "%nExamples:%n",
        footer = {"  lackey files 5", "  lackey files get 5 result.txt -o result-5.txt", "  lackey files put 5 params.txt mesh.dat"})
final class FilesCommand implements Callable<Integer> {

    @ParentCommand
    Lackey lackey;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "The run's id.")
    String id;

    @Option(names = "--json", description = "Print the listing as the API shows it (with download links).")
    boolean json;

    @Override
    public Integer call() {
        if (id == null) {
            throw CliFailure.usage("give the run's id: lackey files ID", "or `lackey files get ID NAME`, `lackey files put ID FILE…`");
        }
        long run = RunIds.parse(id);
        JsonNode files = lackey.api().operator("GET", "/api/run/" + run + "/files", LackeyApi.Body.NONE);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.text(files));
        } else {
            List<List<String>> rows = new ArrayList<>();
            Instant now = lackey.clock.instant();
            for (String side : List.of("inputs", "outputs")) {
                for (JsonNode file : files.path(side)) {
                    rows.add(List.of(side.equals("inputs") ? "in" : "out", file.path("name").asText(),
                            TimeText.bytes(file.path("size").asLong()),
                            TimeText.shortInstant(Instant.parse(file.path("lastModified").asText()), now, lackey.zone)));
                }
            }
            if (rows.isEmpty()) {
                spec.commandLine().getErr().println("run " + run + " has no files yet");
            } else {
                List<TextTable.Column> columns = List.of(new TextTable.Column("SIDE", false, 0, 0),
                        new TextTable.Column("NAME", false, 8, 0), new TextTable.Column("SIZE", true, 0, 0),
                        new TextTable.Column("MODIFIED", false, 0, 1));
                TextTable.render(columns, rows, lackey.terminal.columns()).forEach(out::println);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /** {@code lackey files get ID NAME [-o FILE]}. */
    @Command(name = "get", sortOptions = false, description = "Download one of a run's files: an output, or an input with --input.",
            footerHeading = "%nExamples:%n", footer = {"  lackey files get 5 result.txt", "  lackey files get 5 result.txt -o - | head"})
    static final class Get implements Callable<Integer> {

        @ParentCommand
        FilesCommand files;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Parameters(index = "1", paramLabel = "NAME", description = "The file's name, as `lackey files ID` lists it.")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Where to write it; - is standard output (default: NAME in the current folder).")
        String output;

        @Option(names = "--input", description = "Take the input of that name (default: the output, else the input).")
        boolean input;

        @Override
        public Integer call() throws IOException {
            long run = RunIds.parse(id);
            Lackey lackey = files.lackey;
            LackeyApi api = lackey.api();
            JsonNode listing = api.operator("GET", "/api/run/" + run + "/files", LackeyApi.Body.NONE);
            JsonNode found = input ? null : named(listing.path("outputs"), name);
            if (found == null) {
                found = named(listing.path("inputs"), name);
            }
            if (found == null) {
                throw CliFailure.api("run " + run + " has no " + (input ? "input" : "file") + " named " + name,
                        "`lackey files " + run + "` lists its files");
            }
            try (InputStream content = api.download(URI.create(found.path("url").asText()))) {
                if ("-".equals(output)) {
                    content.transferTo(lackey.stdout);
                    lackey.stdout.flush();
                } else {
                    Path target = Path.of(output == null ? name : output);
                    Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), ".lackey-", ".part");
                    try (OutputStream out = Files.newOutputStream(temporary)) {
                        content.transferTo(out);
                    } catch (IOException e) {
                        Files.deleteIfExists(temporary);
                        throw CliFailure.file("cannot write " + target + ": " + e.getMessage());
                    }
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                    spec.commandLine().getErr().println("saved " + target + " (" + TimeText.bytes(Files.size(target)) + ")");
                }
            }
            return ExitCode.OK;
        }

        private static JsonNode named(JsonNode files, String name) {
            for (JsonNode file : files) {
                if (name.equals(file.path("name").asText())) {
                    return file;
                }
            }
            return null;
        }
    }

    /** {@code lackey files put ID FILE…}: more inputs of a run that has not ended. */
    @Command(name = "put", sortOptions = false, description = {"Upload files as inputs of a run that has not ended.",
            "Each is stored under its file name, through a link the API hands out."},
            footerHeading = "%nExamples:%n", footer = {"  lackey files put 5 params.txt mesh.dat"})
    static final class Put implements Callable<Integer> {

        @ParentCommand
        FilesCommand files;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "The files to upload.")
        List<Path> paths;

        @Override
        public Integer call() {
            long run = RunIds.parse(id);
            Map<String, Path> byName = Inputs.byName(paths);
            ObjectNode body = LackeyApi.object();
            byName.keySet().forEach(body.putArray("inputs")::add);
            LackeyApi api = files.lackey.api();
            JsonNode links = api.operator("POST", "/api/run/" + run + "/inputs", LackeyApi.Body.json(body));
            Inputs.upload(api, links.path("uploads"), byName, spec.commandLine().getErr());
            return ExitCode.OK;
        }
    }
}
