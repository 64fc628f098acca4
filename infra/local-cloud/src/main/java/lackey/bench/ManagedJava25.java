package lackey.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The form lackey shipped before, as the managed java25 runtime runs it: the JDK (here the build's), C1 only and
 * SerialGC, AWS's runtime interface client on the class path, and the function's one shaded jar
 * ({@code functions/target/lackey-functions.jar}) in the task root's lib/, loaded by the runtime client's own class
 * loader (so an AOT cache could not hold its classes). A task root with such a bootstrap, for the benchmark.
 */
final class ManagedJava25 {

    private static final List<String> RUNTIME_JARS = List.of("aws-lambda-java-runtime-interface-client", "aws-lambda-java-core",
            "aws-lambda-java-serialization", "utils-lite");

    private ManagedJava25() {
    }

    static Path taskRoot(Path root, Path dir) {
        return taskRoot(dir, List.of(root.resolve("functions/target/lackey-functions.jar")));
    }

    /**
     * The benchmark's peer in the same form: its jar and its dependencies in lib/, as a java25 zip holds them;
     * empty when the peer is not built ({@code infra/bench-peer}).
     */
    static java.util.Optional<Path> peerTaskRoot(Path root, Path dir) {
        Path target = root.resolve("infra/bench-peer/target");
        Path classPath = target.resolve("peer-classpath.txt");
        try (Stream<Path> jars = Files.list(target)) {
            Path jar = jars.filter(p -> p.getFileName().toString().matches("lackey-bench-peer-.*\\.jar")).findFirst().orElse(null);
            if (jar == null || !Files.exists(classPath)) {
                return java.util.Optional.empty();
            }
            List<Path> lib = new java.util.ArrayList<>(List.of(jar));
            Stream.of(Files.readString(classPath).strip().split(java.io.File.pathSeparator)).filter(s -> !s.isBlank())
                    .map(Path::of).forEach(lib::add);
            return java.util.Optional.of(taskRoot(dir, lib));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path taskRoot(Path dir, List<Path> jars) {
        try {
            if (Files.exists(dir.resolve("bootstrap"))) {
                return dir;
            }
            Files.createDirectories(dir.resolve("lib"));
            for (Path jar : jars) {
                Files.copy(jar, dir.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            String runtime = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .filter(entry -> RUNTIME_JARS.stream().anyMatch(name -> Path.of(entry).getFileName().toString().startsWith(name + "-")))
                    .collect(Collectors.joining(":"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String bootstrap = "#!/bin/sh\ncd \"$LAMBDA_TASK_ROOT\" || exit 1\n"
                    + "exec " + java + " -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData"
                    + " --enable-native-access=ALL-UNNAMED -cp " + runtime
                    + " com.amazonaws.services.lambda.runtime.api.client.AWSLambda \"$_HANDLER\"\n";
            Files.writeString(dir.resolve("bootstrap"), bootstrap);
            Files.setPosixFilePermissions(dir.resolve("bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
