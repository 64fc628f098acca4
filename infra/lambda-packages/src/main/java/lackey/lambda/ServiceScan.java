package lackey.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which AWS SDK service clients a handler can reach: follows every class of the functions' jar that the handler
 * refers to, transitively, and collects the {@code software.amazon.awssdk.services.<service>} packages they name.
 * A package leaves out the jars of the other services (the ECS client is only StopSimulationFunction's).
 */
final class ServiceScan {

    private static final Pattern OWN_CLASS = Pattern.compile("lackey/[A-Za-z0-9_/$]+");
    private static final Pattern SERVICE = Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/");

    private ServiceScan() {
    }

    /** The SDK services (dynamodb, s3, eventbridge, ecs …) that {@code handlerClass} refers to, directly or not. */
    static Set<String> services(Path functionsJar, String handlerClass) {
        Set<String> services = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(handlerClass.replace('.', '/'));
        try (ZipFile jar = new ZipFile(functionsJar.toFile())) {
            while (!pending.isEmpty()) {
                String name = pending.poll();
                if (!seen.add(name)) {
                    continue;
                }
                ZipEntry entry = jar.getEntry(name + ".class");
                if (entry == null) {
                    continue;
                }
                byte[] bytes = jar.getInputStream(entry).readAllBytes();
                for (PoolEntry constant : ClassFile.of().parse(bytes).constantPool()) {
                    if (constant instanceof Utf8Entry text) {
                        String value = text.stringValue();
                        Matcher own = OWN_CLASS.matcher(value);
                        while (own.find()) {
                            pending.add(own.group());
                        }
                        Matcher service = SERVICE.matcher(value);
                        while (service.find()) {
                            services.add(service.group(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + functionsJar, e);
        }
        return services;
    }
}
