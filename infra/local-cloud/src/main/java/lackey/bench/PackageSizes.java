package lackey.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import lackey.emulators.ProjectLayout;
import lackey.lambda.LambdaPackageFiles;
import lackey.lambda.PackagedFunction;

/**
 * What each function ships and loads: the jars on its class path, its AOT cache, the JRE, and its zip as template.yaml
 * deploys it (and the old shaded jar, for comparison). Run with {@code ./lackey bench package}; prints a Markdown table.
 */
public final class PackageSizes {

    private PackageSizes() {
    }

    public static void main(String[] args) {
        Path root = ProjectLayout.find().root();
        System.out.printf("%nPackages as built by ./mvnw package. %s.%n%n", Machine.describe());
        System.out.println("| function | jars on its class path MB | AOT cache MB | JRE MB | zip MB | unpacked MB |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (PackagedFunction function : PackagedFunction.read(root.resolve("template.yaml"))) {
            Path zip = root.resolve(function.codeUri());
            Path dir = LambdaPackageFiles.unpacked(zip);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", function.logicalId(),
                    megabytes(dir.resolve("lib"), ".jar"), megabytes(dir.resolve("function.aot"), ""), megabytes(dir.resolve("jre"), ""),
                    megabytes(zip, ""), megabytes(dir, ""));
        }
        Path shaded = root.resolve("functions/target/lackey-functions.jar");
        if (Files.exists(shaded)) {
            System.out.printf(Locale.ROOT, "| (before: every function's one shaded jar for java25) | %.1f | - | - | %.1f | - |%n",
                    megabytes(shaded, ""), megabytes(shaded, ""));
        }
    }

    private static double megabytes(Path path, String suffix) {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum() / 1e6;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
