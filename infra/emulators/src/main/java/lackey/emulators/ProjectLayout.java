package lackey.emulators;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the lackey project and its locally installed emulators live on disk: the project root and,
 * under it, template.yaml, dynalite's command-line entry point and S3Proxy's self-contained jar.
 *
 * @param root the project root, absolute and normalised
 */
public record ProjectLayout(Path root) {

    /** System property naming a folder at or below the project root; it overrides the working directory. */
    public static final String ROOT_PROPERTY = "lackey.root";

    public ProjectLayout {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
    }

    /**
     * Finds the project root by walking up from {@code -Dlackey.root} when it is set, otherwise from
     * the working directory, so that tests and tools work from any module folder.
     *
     * @throws IllegalStateException when no folder on the way up looks like the project root
     */
    public static ProjectLayout find() {
        String fromProperty = System.getProperty(ROOT_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return findFrom(Path.of(fromProperty), "-D" + ROOT_PROPERTY + "=" + fromProperty);
        }
        return findFrom(Path.of(System.getProperty("user.dir")), "the working directory");
    }

    static ProjectLayout findFrom(Path start, String startDescription) {
        Path absoluteStart = start.toAbsolutePath().normalize();
        for (Path dir = absoluteStart; dir != null; dir = dir.getParent()) {
            if (isProjectRoot(dir)) {
                return new ProjectLayout(dir);
            }
        }
        throw new IllegalStateException("cannot find the lackey project root walking up from "
                + startDescription + " (" + absoluteStart + "): expected a folder holding template.yaml and infra/, "
                + "or pom.xml and infra/package.json. Run from inside the project or set -D" + ROOT_PROPERTY
                + "=<project folder>.");
    }

    // template.yaml is the mark of the root once it exists; before that (and in a module-only checkout)
    // the parent pom beside infra/package.json identifies it, and rules out infra/ itself.
    private static boolean isProjectRoot(Path dir) {
        Path infra = dir.resolve("infra");
        if (!Files.isDirectory(infra)) {
            return false;
        }
        return Files.isRegularFile(dir.resolve("template.yaml"))
                || (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(infra.resolve("package.json")));
    }

    /** The SAM template; it may not exist yet, so callers check. */
    public Path templateYaml() {
        return root.resolve("template.yaml");
    }

    /** The folder holding package.json and the npm-installed node_modules. */
    public Path infraDir() {
        return root.resolve("infra");
    }

    /**
     * dynalite's command-line entry point, run with {@code node}.
     *
     * @throws IllegalStateException naming the install command when dynalite is not installed
     */
    public Path dynaliteCli() {
        Path cli = infraDir().resolve("node_modules").resolve("dynalite").resolve("cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("dynalite is not installed (no " + cli + "): run `cd infra && npm ci` "
                    + "in " + root + " (or `./mvnw -DskipTests package`, which runs it when dynalite is missing).");
        }
        return cli;
    }

    /**
     * S3Proxy's self-contained jar, which the emulators module's build copies from Maven Central.
     *
     * @throws IllegalStateException naming the build command when the jar is missing
     */
    public Path s3proxyJar() {
        Path jar = infraDir().resolve("emulators").resolve("target").resolve("s3proxy").resolve("s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the S3Proxy jar is missing (no " + jar + "): run `./mvnw -DskipTests package` in "
                    + root + " (the infra/emulators build copies it there).");
        }
        return jar;
    }
}
