package lackey.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The yardstick: a bare JVM of the build's JDK printing hello, launch to exit. */
final class HelloJvm {

    private HelloJvm() {
    }

    static double run(Path root) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Path.of(HelloWorld.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        try {
            long begin = System.nanoTime();
            Process process = new ProcessBuilder(List.of(java, "-cp", classPath, HelloWorld.class.getName()))
                    .redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("hello world failed");
            }
            return (System.nanoTime() - begin) / 1e6;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
