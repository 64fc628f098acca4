package lackey.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** What a benchmark's figures were measured on: cores, CPU model, memory, load, JDK and date (from /proc on Linux). */
final class Machine {

    private Machine() {
    }

    /** For example "2026-11-29, 2 cores (AMD EPYC), 23.5 GiB RAM, JDK 25.0.3+9-LTS". */
    static String describe() {
        return LocalDate.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), "
                + String.format(java.util.Locale.ROOT, "%.1f GiB RAM", memTotalKb() / 1024.0 / 1024.0) + ", JDK " + Runtime.version();
    }

    /** The 1, 5 and 15 minute load averages. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        return lines("/proc/cpuinfo").stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst().orElse(System.getProperty("os.arch"));
    }

    static long memTotalKb() {
        return lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }

    /** A live process's peak resident set (VmHWM), in KiB; 0 when it cannot be read. */
    static long peakRssKb(ProcessHandle process) {
        return lines("/proc/" + process.pid() + "/status").stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
