package lackey.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLayoutTest {

    @Test
    void findsTheFolderHoldingTemplateAndInfraFromBelow(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("template.yaml"), "Resources: {}\n");
        Path nested = Files.createDirectories(root.resolve("infra").resolve("local-cloud").resolve("src"));

        assertEquals(root.toAbsolutePath().normalize(), ProjectLayout.findFrom(nested, "test").root());
    }

    @Test
    void findsTheFolderHoldingPomAndInfraPackageJsonBeforeTheTemplateExists(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path infra = Files.createDirectories(root.resolve("infra"));
        Files.writeString(infra.resolve("package.json"), "{}");
        Path module = Files.createDirectories(infra.resolve("emulators"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");

        assertEquals(root.toAbsolutePath().normalize(), ProjectLayout.findFrom(module, "test").root());
    }

    @Test
    void explainsWhereItLookedWhenThereIsNoRoot(@TempDir Path elsewhere) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProjectLayout.findFrom(elsewhere, "the working directory"));
        assertTrue(e.getMessage().contains(elsewhere.toAbsolutePath().normalize().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("-Dlackey.root"), e.getMessage());
    }

    @Test
    void namesTheCommandThatInstallsAMissingEmulator(@TempDir Path root) {
        ProjectLayout layout = new ProjectLayout(root);

        IllegalStateException noDynalite = assertThrows(IllegalStateException.class, layout::dynaliteCli);
        assertTrue(noDynalite.getMessage().contains("cd infra && npm ci"), noDynalite.getMessage());
        IllegalStateException noS3Proxy = assertThrows(IllegalStateException.class, layout::s3proxyJar);
        assertTrue(noS3Proxy.getMessage().contains("./mvnw -DskipTests package"), noS3Proxy.getMessage());
    }

    @Test
    void findsThisCheckoutWithItsEmulatorsInstalled() {
        ProjectLayout layout = ProjectLayout.find();

        assertTrue(Files.isRegularFile(layout.root().resolve("infra").resolve("package.json")));
        assertTrue(layout.dynaliteCli().endsWith(Path.of("infra", "node_modules", "dynalite", "cli.js")));
        assertTrue(Files.isRegularFile(layout.s3proxyJar()));
    }
}
