package lackey.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lackey.run.LaunchRetries;
import software.amazon.awssdk.regions.Region;

/**
 * The settings a function gets from template.yaml's environment, read once at start-up. Endpoints are
 * not here on purpose: the SDK takes them from its standard settings ({@code AWS_ENDPOINT_URL_*}).
 */
public record Config(String table, String bucket, String bus, Region region) {

    /** Reads the environment; names every missing variable at once so a broken deployment is fixed in one go. */
    public static Config fromEnv(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        String table = required(env, "LACKEY_TABLE", missing);
        String bucket = required(env, "LACKEY_BUCKET", missing);
        String bus = required(env, "LACKEY_BUS", missing);
        String region = required(env, "AWS_REGION", missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("lackey cannot start: environment variable(s) " + String.join(", ", missing)
                    + " not set (template.yaml sets LACKEY_*; Lambda sets AWS_REGION)");
        }
        return new Config(table, bucket, bus, Region.of(region));
    }

    /**
     * How hard the launch-failure function tries to launch a run's container: {@code LACKEY_LAUNCH_ATTEMPTS} (launches
     * in all) and {@code LACKEY_LAUNCH_RETRY_DELAY} (seconds before the first retry), which template.yaml sets from its
     * parameters; {@link LaunchRetries#DEFAULT} for one that is not set.
     */
    public static LaunchRetries launchRetries(Map<String, String> env) {
        String attempts = env.get("LACKEY_LAUNCH_ATTEMPTS");
        String delay = env.get("LACKEY_LAUNCH_RETRY_DELAY");
        try {
            return new LaunchRetries(
                    attempts == null || attempts.isBlank() ? LaunchRetries.DEFAULT.attempts() : Integer.parseInt(attempts.strip()),
                    delay == null || delay.isBlank() ? LaunchRetries.DEFAULT.firstDelay() : Duration.ofSeconds(Long.parseLong(delay.strip())));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("lackey cannot start: LACKEY_LAUNCH_ATTEMPTS='" + attempts
                    + "' and LACKEY_LAUNCH_RETRY_DELAY='" + delay + "' must be 1-10 launches and 1-3600 seconds: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> env, String name, List<String> missing) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            missing.add(name);
            return null;
        }
        return value;
    }
}
