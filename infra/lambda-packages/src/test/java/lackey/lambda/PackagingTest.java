package lackey.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import lackey.emulators.ProjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a package is made: which jars a function gets, how its zip keeps modes and times, how events are aimed. */
class PackagingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void templateFunctionsAllShipAsPackagesOfTheirOwn() {
        List<PackagedFunction> functions = PackagedFunction.read(ProjectLayout.find().templateYaml());
        assertFalse(functions.isEmpty());
        functions.forEach(f -> assertEquals("infra/lambda-packages/target/" + f.logicalId() + ".zip", f.codeUri(), f.toString()));
        assertTrue(functions.stream().allMatch(f -> f.javaToolOptions().contains("TieredStopAtLevel=1")), functions.toString());
    }

    @Test
    void everyPackagedFunctionHasATrainingRequestForItsAotCache() {
        PackagedFunction.read(ProjectLayout.find().templateYaml()).forEach(function -> assertTrue(
                TrainingRun.TRAINED.contains(function.logicalId()), function.logicalId()
                        + " has no first request in TrainingRun's scenario: its package would ship without an AOT cache"));
    }

    @Test
    void onlyTheCancellationsFunctionReachesEcsAndItReachesNothingElse() throws Exception {
        Path functions = Path.of(lackey.api.StopSimulationHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(Set.of("ecs"), ServiceScan.services(functions, "lackey.api.StopSimulationHandler"));
        assertEquals(Set.of("dynamodb", "eventbridge", "s3"), ServiceScan.services(functions, "lackey.api.ScheduleRunHandler"));
    }

    @Test
    void eachFunctionReachesTheClientsOfExactlyTheServicesItsRoleMayCall() throws Exception {
        Path template = ProjectLayout.find().templateYaml();
        Path functions = Path.of(lackey.api.StopSimulationHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (PackagedFunction function : PackagedFunction.read(template)) {
            assertEquals(RolePolicies.clients(template, function.logicalId()), ServiceScan.services(functions, function.handlerClass()),
                    function.logicalId() + ": the SDK clients its handler's classes name, against the services its role may call");
        }
    }

    @Test
    void aPackageLeavesOutTheClientsOfServicesItsFunctionDoesNotReach() {
        Set<String> reached = Set.of("dynamodb", "eventbridge", "s3");
        assertFalse(LambdaPackages.keeps(Path.of("/m2/ecs-2.57.8.jar"), reached));
        assertTrue(LambdaPackages.keeps(Path.of("/m2/s3-2.57.8.jar"), reached));
        assertTrue(LambdaPackages.keeps(Path.of("/m2/sdk-core-2.57.8.jar"), reached));
        assertFalse(LambdaPackages.keeps(Path.of("/m2/dynamodb-2.57.8.jar"), Set.of("ecs")));
    }

    @Test
    void zipKeepsTheBootstrapExecutableAndEveryTimeFixed(@TempDir Path dir) throws Exception {
        Path jre = Files.createDirectories(dir.resolve("jre/bin"));
        Files.writeString(jre.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(jre.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("a.jar"), "not really a jar");
        Path stage = Files.createDirectories(dir.resolve("stage/lib"));
        Files.createDirectories(stage.resolveSibling("jre/bin"));
        Files.createLink(stage.resolveSibling("jre/bin/java"), jre.resolve("java"));
        Files.createLink(stage.resolve("a.jar"), lib.resolve("a.jar"));
        Path bootstrap = stage.resolveSibling("bootstrap");
        Files.writeString(bootstrap, "#!/bin/sh\nexec jre/bin/java\n");
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shared = LambdaPackages.sharedEntries(dir.resolve("jre"), lib, dir.resolve("shared.zip"));

        LambdaPackages.zip(dir.resolve("stage"), dir.resolve("out/F.zip"), shared);
        Path unpacked = dir.resolve("unpacked");
        LambdaPackageFiles.unzip(dir.resolve("out/F.zip"), unpacked);

        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked.resolve("bootstrap"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked.resolve("jre/bin/java"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacked.resolve("lib/a.jar"))));
        assertEquals("not really a jar", Files.readString(unpacked.resolve("lib/a.jar")));
        for (String file : List.of("bootstrap", "jre/bin/java", "lib/a.jar")) {
            assertEquals(LambdaPackages.FIXED_TIME.toMillis(), Files.getLastModifiedTime(unpacked.resolve(file)).toMillis(), file);
        }
    }

    @Test
    void aSampleEventIsAimedAtTheRunAndTokenOfTheMoment() throws Exception {
        JsonNode sample = JSON.readTree(ProjectLayout.find().root().resolve("events/start-run.json").toFile());
        JsonNode event = JSON.readTree(TrainingRun.forRun(sample, 42, "11111111-2222-4333-8444-555555555555"));
        assertEquals("42", event.at("/pathParameters/id").asText());
        assertEquals("/api/run/start/42", event.path("rawPath").asText());
        assertEquals("/api/run/start/42", event.at("/requestContext/http/path").asText());
        String body = new String(Base64.getDecoder().decode(event.path("body").asText()), StandardCharsets.UTF_8);
        assertEquals("token=11111111-2222-4333-8444-555555555555&ts=1369312595", body);
        assertEquals(String.valueOf(body.length()), event.at("/headers/content-length").asText());
    }
}
