package lackey.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A package as Lambda sees it: unpacked into a task root ({@code /var/task} on Lambda) with the permissions and
 * modification times its zip records, and the variables Lambda sets for a custom runtime's bootstrap.
 */
public final class LambdaPackageFiles {

    /** Every file in a package gets this time, so that the jars' times match what the AOT cache recorded. */
    static final java.nio.file.attribute.FileTime FIXED_TIME =
            java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2000-01-01T00:00:00Z"));

    private LambdaPackageFiles() {
    }

    /**
     * The zip unpacked beside its folder, in {@code unpacked/<name>/}; unpacked again only when the zip changed.
     * Several local clouds share it: it is read-only once made, and made under a temporary name first.
     */
    public static Path unpacked(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("no package " + zip + ": build it first (./mvnw -DskipTests package)");
        }
        String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
        Path dir = zip.resolveSibling("unpacked").resolve(name);
        try {
            String stamp = Files.size(zip) + " " + Files.getLastModifiedTime(zip).toMillis();
            Path stampFile = dir.resolve(".lackey-unpacked");
            if (Files.exists(stampFile) && Files.readString(stampFile).equals(stamp)) {
                return dir;
            }
            Path fresh = dir.resolveSibling(name + "." + UUID.randomUUID() + ".tmp");
            unzip(zip, fresh);
            Files.writeString(fresh.resolve(".lackey-unpacked"), stamp);
            Path old = dir.resolveSibling(name + "." + UUID.randomUUID() + ".old");
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(old)) {
                delete(old);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + ": " + e.getMessage(), e);
        }
    }

    /** Unpacks a zip as Lambda does: files with the permissions and modification times of their entries. */
    static void unzip(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("enablePosixFileAttributes", "true"));
             Stream<Path> entries = Files.walk(fs.getPath("/"))) {
            for (Path entry : entries.toList()) {
                String name = entry.toString().substring(1);
                if (name.isEmpty()) {
                    continue;
                }
                Path file = into.resolve(name);
                if (Files.isDirectory(entry)) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.copy(entry, file);
                PosixFileAttributes attributes = Files.getFileAttributeView(entry, PosixFileAttributeView.class).readAttributes();
                Files.setPosixFilePermissions(file, attributes.permissions());
                Files.setLastModifiedTime(file, attributes.lastModifiedTime());
            }
        }
    }

    /** Deletes a folder and everything in it, if it exists. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** What Lambda itself sets for a custom runtime's bootstrap (besides {@code AWS_LAMBDA_RUNTIME_API}). */
    public static Map<String, String> lambdaVariables(String functionName, String handler, Path taskRoot, int memoryMb) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        return env;
    }
}
