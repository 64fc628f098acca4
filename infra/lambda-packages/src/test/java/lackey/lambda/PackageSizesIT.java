package lackey.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The packages as built ({@code ./mvnw package}): what each one's jars weigh and which SDK clients they are. An HTTP
 * function is a cold start on most calls, and every class it could load is a jar it ships: at most 15 MB of them.
 */
class PackageSizesIT {

    /** The most jars an HTTP function may ship, in bytes (MB as the packager prints them: 10^6 bytes). */
    static final long MAX_HTTP_JAR_BYTES = 15_000_000;

    private static final List<String> CLIENTS = List.of("dynamodb", "s3", "eventbridge", "ecs");

    @Test
    void everyHttpFunctionShipsAtMost15MbOfJars() throws IOException {
        Path root = ProjectLayout.find().root();
        List<String> over = new ArrayList<>();
        int http = 0;
        for (PackagedFunction function : PackagedFunction.read(root.resolve("template.yaml"))) {
            if (!RolePolicies.servesHttp(root.resolve("template.yaml"), function.logicalId())) {
                continue;
            }
            http++;
            long bytes = jars(root.resolve(function.codeUri())).stream().mapToLong(ZipEntry::getSize).sum();
            if (bytes > MAX_HTTP_JAR_BYTES) {
                over.add(String.format("%s: %.1f MB", function.logicalId(), bytes / 1e6));
            }
        }
        assertTrue(http >= 6, "the HTTP functions were found in template.yaml: " + http);
        assertEquals(List.of(), over, "HTTP functions whose jars weigh more than 15 MB");
    }

    @Test
    void everyPackageShipsTheClientsOfTheServicesItsRoleMayCallAndNoOther() throws IOException {
        Path root = ProjectLayout.find().root();
        for (PackagedFunction function : PackagedFunction.read(root.resolve("template.yaml"))) {
            Set<String> shipped = new TreeSet<>();
            for (ZipEntry jar : jars(root.resolve(function.codeUri()))) {
                String name = jar.getName().substring("lib/".length());
                CLIENTS.stream().filter(client -> name.startsWith(client + "-2.")).forEach(shipped::add);
            }
            assertEquals(RolePolicies.clients(root.resolve("template.yaml"), function.logicalId()), shipped, function.logicalId());
        }
    }

    @Test
    void noPackageShipsTheRuntimeClientsLibrariesOfOtherPlatformsOrItsPojoSerialisation() throws IOException {
        Path root = ProjectLayout.find().root();
        for (PackagedFunction function : PackagedFunction.read(root.resolve("template.yaml"))) {
            try (ZipFile zip = new ZipFile(root.resolve(function.codeUri()).toFile())) {
                assertTrue(zip.getEntry("lib/" + LambdaPackages.JNI_LIBRARY) != null, function.logicalId());
                assertFalse(zip.stream().anyMatch(e -> e.getName().startsWith("lib/aws-lambda-java-serialization")),
                        function.logicalId() + ": its handlers are stream handlers, which the runtime client serialises nothing for");
            }
        }
    }

    private static List<ZipEntry> jars(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            return file.stream().filter(e -> e.getName().startsWith("lib/") && e.getName().endsWith(".jar")).map(ZipEntry::new).toList();
        }
    }
}
