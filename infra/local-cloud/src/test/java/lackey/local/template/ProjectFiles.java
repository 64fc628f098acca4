package lackey.local.template;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the files the template tests read: template.yaml, events/ and the shared SAM schema beside the repository. */
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
     * The SAM schema lives outside the repository, in {@code ../shared/schemas/} next to the project root.
     *
     * @throws IllegalStateException naming the expected path when it is missing
     */
    static Path samSchema() {
        Path schema = root().resolve("../shared/schemas/sam.schema.json").normalize();
        if (!Files.isRegularFile(schema)) {
            throw new IllegalStateException("SAM schema not found at " + schema
                    + ": the template tests need the shared schemas folder (../shared/schemas/sam.schema.json"
                    + " beside the project root)");
        }
        return schema;
    }
}
