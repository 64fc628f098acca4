package lackey.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code $LACKEY_HOME/local.env}: {@code export NAME='value'} lines any POSIX shell can source, so the
 * AWS CLI, SDK programs and scripts talk to the local cloud ({@code . .lackey/local.env}).
 */
final class LocalEnvFile {

    private LocalEnvFile() {
    }

    /** Writes the file atomically (a reader never sees half of it) and returns its path. */
    static Path write(Path file, Map<String, String> variables) {
        StringBuilder text = new StringBuilder();
        text.append("# Written by `./lackey local`: the local cloud's endpoints, region, credentials and names.\n");
        text.append("# Use it from a shell:  . ").append(file).append("  then e.g.  aws dynamodb scan --table-name \"$LACKEY_TABLE\"\n");
        text.append("# The credentials are the local emulators' own; they are valid nowhere else.\n");
        variables.forEach((name, value) -> text.append("export ").append(name).append('=').append(quote(value)).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "local.env", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the {@code export NAME='value'} lines back, as a shell would. */
    static Map<String, String> read(Path file) {
        Map<String, String> variables = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith("export ")) {
                    continue;
                }
                int equals = line.indexOf('=');
                variables.put(line.substring("export ".length(), equals), unquote(line.substring(equals + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return variables;
    }

    // Single quotes keep everything literal; a single quote itself is closed, escaped and reopened.
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String unquote(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("'\\''", "'");
    }
}
