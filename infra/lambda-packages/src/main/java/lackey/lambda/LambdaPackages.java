package lackey.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import lackey.emulators.ProjectLayout;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Builds the packages template.yaml deploys: for each function on the {@code provided.al2023} runtime, a zip with
 * {@code bootstrap} at its root, a JRE made by jlink from the build's JDK, the jars the function can reach (the SDK
 * clients of other services left out), AWS's runtime interface client, and a JDK 25 AOT cache that a training run
 * of that very package recorded: the function's first requests, through the real runtime client, against the
 * emulators. Run by Maven at {@code package}; {@code ./mvnw package} writes the zips where the template's
 * {@code CodeUri} points.
 *
 * <p>Arguments: the file listing the jars a package may hold (the functions' and the runtime client's runtime
 * class path), and this module's target folder.
 */
public final class LambdaPackages {

    /**
     * What the JRE holds: jdeps over the packages' jars names java.base, java.sql (Jackson's optional SQL types),
     * jdk.unsupported (the runtime client) and java.desktop, which only Jackson's optional java.beans support and
     * the ECS client's model classes name; both work without it, so it is left out (23 MB less to load and ship).
     */
    static final List<String> JRE_MODULES = List.of("java.base", "java.sql", "jdk.unsupported");

    /** Every file in a package gets this time, so that the jars' times match what the AOT cache recorded. */
    static final FileTime FIXED_TIME = LambdaPackageFiles.FIXED_TIME;

    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String JNI_LIBRARY = "libaws-lambda-jni.so";
    static final String POJO_SERIALIZATION = "aws-lambda-java-serialization-";
    private static final String RIC_JAR = "aws-lambda-java-runtime-interface-client";

    private LambdaPackages() {
    }

    public static void main(String[] args) throws Exception {
        Path classPathFile = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Path root = ProjectLayout.find().root();
        List<PackagedFunction> functions = PackagedFunction.read(root.resolve("template.yaml"));
        if (functions.isEmpty()) {
            System.out.println("lambda packages: template.yaml names no function on " + PackagedFunction.CUSTOM_RUNTIME);
            return;
        }
        long begin = System.nanoTime();
        List<Path> jars = Stream.of(Files.readString(classPathFile).strip().split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        Path work = target.resolve("lambda");
        String inputs = inputsDigest(root, jars, functions);
        Path stamp = work.resolve("packages.sha256");
        if (Files.exists(stamp) && Files.readString(stamp).equals(inputs)
                && functions.stream().allMatch(f -> Files.exists(root.resolve(f.codeUri())))) {
            System.out.println("lambda packages: up to date (same jars, JDK, template functions, events and packager)");
            return;
        }
        Files.deleteIfExists(stamp);
        Path jre = jre(work.resolve("jre"));
        Path lib = sharedLib(work.resolve("lib"), jars);
        Path functionsJar = jars.stream().filter(j -> j.getFileName().toString().startsWith("lackey-functions")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no lackey-functions jar in " + classPathFile));
        Map<PackagedFunction, Path> staged = new LinkedHashMap<>();
        for (PackagedFunction function : functions) {
            Set<String> services = ServiceScan.services(functionsJar, function.handlerClass());
            List<Path> classPath = jars.stream().filter(jar -> keeps(jar, services)).map(jar -> lib.resolve(jar.getFileName())).toList();
            staged.put(function, stage(work.resolve("stage").resolve(function.logicalId()), jre, lib, classPath));
            System.out.printf("lambda packages: %s reaches %s: %d jars, %.1f MB%n", function.logicalId(), services,
                    classPath.size(), classPath.stream().mapToLong(LambdaPackages::size).sum() / 1e6);
        }
        try (TrainingRun training = TrainingRun.start(root, work.resolve("training"), System.out)) {
            training.train(staged);
        }
        Path shared = sharedEntries(jre, lib, work.resolve("shared-entries.zip"));
        for (var entry : staged.entrySet()) {
            Path zip = root.resolve(entry.getKey().codeUri());
            zip(entry.getValue(), zip, shared);
            System.out.printf("lambda packages: %s %.1f MB%n", root.relativize(zip), size(zip) / 1e6);
        }
        Files.writeString(stamp, inputs);
        System.out.printf("lambda packages: %d packages in %.1f s%n", staged.size(), (System.nanoTime() - begin) / 1e9);
    }

    // Everything a package is made from: when none of it changed, the packages (and their trained caches) stand.
    private static String inputsDigest(Path root, List<Path> jars, List<PackagedFunction> functions) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update((Runtime.version() + System.getProperty("java.home") + JRE_MODULES + functions).getBytes(StandardCharsets.UTF_8));
        List<Path> inputs = new ArrayList<>(jars);
        inputs.add(Path.of(LambdaPackages.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        try (Stream<Path> events = Files.list(root.resolve("events"))) {
            events.sorted().forEach(inputs::add);
        }
        for (Path input : inputs) {
            sha.update(input.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            if (Files.isDirectory(input)) {
                try (Stream<Path> files = Files.walk(input)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        sha.update(Files.readAllBytes(file));
                    }
                }
            } else {
                sha.update(Files.readAllBytes(input));
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** Whether a jar belongs in a package whose function reaches {@code services}: another service's client does not. */
    static boolean keeps(Path jar, Set<String> services) {
        String name = jar.getFileName().toString();
        for (String service : List.of("dynamodb", "s3", "eventbridge", "ecs")) {
            if (name.startsWith(service + "-2.") && !services.contains(service)) {
                return false;
            }
        }
        return true;
    }

    // jlink once per JDK: the packages share it (hard links), and the AOT caches are trained with it.
    private static Path jre(Path jre) throws IOException {
        Path stamp = jre.resolve("lackey-jre.txt");
        String wanted = Runtime.version() + " " + System.getProperty("java.home") + " " + JRE_MODULES;
        if (Files.exists(stamp) && Files.readString(stamp).equals(wanted)) {
            return jre;
        }
        LambdaPackageFiles.delete(jre);
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException("no jlink in this JDK"));
        int exit = jlink.run(System.out, System.err, "--add-modules", String.join(",", JRE_MODULES), "--strip-debug",
                "--no-man-pages", "--no-header-files", "--output", jre.toString());
        if (exit != 0) {
            throw new IllegalStateException("jlink failed with exit code " + exit);
        }
        try (Stream<Path> files = Files.walk(jre)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FIXED_TIME);
            }
        }
        Files.writeString(stamp, wanted);
        return jre;
    }

    // The jars, copied once (their times set, which must not touch ~/.m2), and the runtime client's JNI library.
    private static Path sharedLib(Path lib, List<Path> jars) throws IOException {
        LambdaPackageFiles.delete(lib);
        Files.createDirectories(lib);
        Path ric = jars.stream().filter(j -> j.getFileName().toString().startsWith(RIC_JAR))
                .findFirst().orElseThrow(() -> new IllegalStateException("the runtime interface client is not among " + jars));
        for (Path jar : jars) {
            Path copy = lib.resolve(jar.getFileName());
            if (jar.equals(ric)) {
                copyWithout(ric, copy, NATIVE_LIBRARIES);
            } else if (jar.getFileName().toString().startsWith(POJO_SERIALIZATION)) {
                copyWithout(jar, copy, POJO_MAPPERS);
            } else {
                Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setLastModifiedTime(copy, FIXED_TIME);
        }
        // x86_64 with glibc: what provided.al2023 on x86_64 is, and what this build trains on.
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ric.toFile());
             InputStream so = zip.getInputStream(zip.getEntry("jni/libaws-lambda-jni.linux-x86_64.so"))) {
            Files.copy(so, lib.resolve(JNI_LIBRARY));
        }
        Files.setLastModifiedTime(lib.resolve(JNI_LIBRARY), FIXED_TIME);
        return lib;
    }

    /**
     * What the runtime client's jar holds that a package does not need: its JNI libraries for four platforms (1.5 MB
     * of its 1.6), since the bootstrap loads the one for this platform from {@code lib/}, and the runtime client then
     * never looks for one in its jar.
     */
    static final Predicate<String> NATIVE_LIBRARIES = name -> name.startsWith("jni/");

    /**
     * What the runtime client's serialisation jar holds that a package does not need: the shaded Jackson and Joda
     * (2.8 MB of its 3.8) with which it maps events to the POJOs of a {@code RequestHandler}. lackey's handlers are
     * stream handlers, whose events are bytes; the runtime client's own JSON (errors, X-Ray causes, JSON log lines)
     * goes through its shaded Gson, which stays (PackagedFunctionErrorsIT fails an invocation through it).
     */
    static final Predicate<String> POJO_MAPPERS = name -> name.startsWith("com/amazonaws/lambda/thirdparty/com/fasterxml/")
            || name.startsWith("com/amazonaws/lambda/thirdparty/org/joda/") || name.matches("META-INF/versions/\\d+/com/fasterxml/.*");

    /** Copies a jar without the entries {@code leftOut} names, every entry at the packages' fixed time. */
    static void copyWithout(Path jar, Path copy, Predicate<String> leftOut) throws IOException {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(jar.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry entry : in.stream().filter(e -> !leftOut.test(e.getName())).toList()) {
                ZipEntry kept = new ZipEntry(entry.getName());
                kept.setTime(FIXED_TIME.toMillis());
                out.putNextEntry(kept);
                try (InputStream bytes = in.getInputStream(entry)) {
                    bytes.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static Path stage(Path dir, Path jre, Path lib, List<Path> classPath) throws IOException {
        LambdaPackageFiles.delete(dir);
        Files.createDirectories(dir.resolve("lib"));
        try (Stream<Path> files = Files.walk(jre)) {
            for (Path file : files.toList()) {
                Path copy = dir.resolve("jre").resolve(jre.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else if (!file.getFileName().toString().equals("lackey-jre.txt")) {
                    Files.createLink(copy, file);
                }
            }
        }
        List<String> entries = new ArrayList<>();
        for (Path jar : classPath) {
            Files.createLink(dir.resolve("lib").resolve(jar.getFileName()), jar);
            entries.add("lib/" + jar.getFileName());
        }
        Files.createLink(dir.resolve("lib").resolve(JNI_LIBRARY), lib.resolve(JNI_LIBRARY));
        String bootstrap;
        try (InputStream template = LambdaPackages.class.getResourceAsStream("bootstrap")) {
            bootstrap = new String(template.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@CLASS_PATH@", String.join(":", entries));
        }
        Path script = dir.resolve("bootstrap");
        Files.writeString(script, bootstrap);
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(script, FIXED_TIME);
        return dir;
    }

    /**
     * The entries every package shares, deflated once: the JRE and all jars (jars stored: they are compressed already),
     * with their Unix modes, so that each package copies them raw instead of compressing them again.
     */
    static Path sharedEntries(Path jre, Path lib, Path zip) throws IOException {
        Files.deleteIfExists(zip);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip.toFile())) {
            out.setLevel(Deflater.DEFAULT_COMPRESSION);
            addTree(out, jre, "jre/");
            addTree(out, lib, "lib/");
        }
        return zip;
    }

    private static void addTree(ZipArchiveOutputStream out, Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = prefix + dir.relativize(file);
                if (!name.endsWith("lackey-jre.txt")) {
                    add(out, file, name);
                }
            }
        }
    }

    private static void add(ZipArchiveOutputStream out, Path file, String name) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0100000 | (Files.isExecutable(file) ? 0755 : 0644));
        entry.setLastModifiedTime(FIXED_TIME);
        entry.setTime(FIXED_TIME.toMillis());
        if (name.endsWith(".jar")) {
            byte[] bytes = Files.readAllBytes(file);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(bytes.length);
            entry.setCrc(crc.getValue());
            out.putArchiveEntry(entry);
            out.write(bytes);
        } else {
            entry.setMethod(ZipEntry.DEFLATED);
            out.putArchiveEntry(entry);
            Files.copy(file, out);
        }
        out.closeArchiveEntry();
    }

    /**
     * Zips a staged package as Lambda unpacks it: {@code bootstrap} and {@code jre/bin/java} executable, every time
     * fixed. The JRE's and the jars' entries are copied raw from {@code shared}; only the rest is compressed here.
     */
    static void zip(Path dir, Path zip, Path shared) throws IOException {
        Files.createDirectories(zip.getParent());
        Path partial = zip.resolveSibling(zip.getFileName() + ".part");
        Files.deleteIfExists(partial);
        try (ZipFile common = ZipFile.builder().setPath(shared).get();
             ZipArchiveOutputStream out = new ZipArchiveOutputStream(partial.toFile());
             Stream<Path> files = Files.walk(dir)) {
            out.setLevel(Deflater.DEFAULT_COMPRESSION);
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(file).toString();
                ZipArchiveEntry copied = name.startsWith("jre/") || name.startsWith("lib/") ? common.getEntry(name) : null;
                if (copied != null) {
                    try (InputStream raw = common.getRawInputStream(copied)) {
                        out.addRawArchiveEntry(copied, raw);
                    }
                } else {
                    add(out, file, name);
                }
            }
        }
        Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(Map<String, ?> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }
}
