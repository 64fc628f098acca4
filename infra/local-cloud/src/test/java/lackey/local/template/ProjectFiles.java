package lackey.local.template;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the files the template tests read: template.yaml, events/ and the SAM schema vendored with the tests. */
final class ProjectFiles {

    private ProjectFiles() {
    }

    /** The project root: the nearest folder at or above the working directory that holds template.yaml. */
    static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path folder = start; folder != null; folder = folder.getParent()) {
            if (Files.isRegularFile(folder.resolve("template.yaml"))) {
                return folder;
            }
        }
        throw new IllegalStateException("no template.yaml in " + start + " or any folder above it");
    }

    static Path template() {
        return root().resolve("template.yaml");
    }

    static Path events() {
        return root().resolve("events");
    }

    /**
     * AWS's SAM schema, vendored under {@code src/test/resources/sam-schema/} (its README names origin and licence),
     * so that the template tests need nothing outside the clone.
     */
    static Path samSchema() {
        URL schema = ProjectFiles.class.getResource("/sam-schema/sam.schema.json");
        if (schema == null) {
            throw new IllegalStateException("sam-schema/sam.schema.json is not on the test class path: it lives in "
                    + "infra/local-cloud/src/test/resources/sam-schema/");
        }
        try {
            return Path.of(schema.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the SAM schema at " + schema, e);
        }
    }
}
