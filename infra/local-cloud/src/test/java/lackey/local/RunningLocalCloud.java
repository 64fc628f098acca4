package lackey.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local cloud for one test class, on free ports with its own temporary home, started before its
 * tests and stopped after them; plus the HTTP calls the end-to-end tests make against its API.
 * Register it with {@code @RegisterExtension static final RunningLocalCloud LOCAL = new RunningLocalCloud();}.
 */
final class RunningLocalCloud implements BeforeAllCallback, AfterAllCallback {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final UnaryOperator<LocalCloud.Options> options;
    private LocalCloud cloud;
    private Path home;

    RunningLocalCloud() {
        this(UnaryOperator.identity());
    }

    /** A local cloud started with adjusted options, for example parameter overrides. */
    RunningLocalCloud(UnaryOperator<LocalCloud.Options> options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("lackey-it-");
        cloud = LocalCloud.start(options.apply(LocalCloudIT.options(home)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (cloud != null) {
            cloud.close();
        }
        try (var paths = Files.walk(home)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    LocalCloud cloud() {
        return cloud;
    }

    /** A form-encoded call (or none, for {@code null}) to the local API; its answer is checked against openapi.yaml. */
    HttpResponse<String> call(String method, String path, String form) throws IOException, InterruptedException {
        return call(method, path, "application/x-www-form-urlencoded", form);
    }

    HttpResponse<String> call(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        // generous: a 10,000-run sweep is one call
        var request = HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path)).timeout(java.time.Duration.ofSeconds(150))
                .header("content-type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return ApiAnswers.checked(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** What a dispatched run's process printed, or "" before it printed anything. */
    String output(long id) {
        try {
            return Files.readString(cloud.home().resolve("runs").resolve(id + ".out"));
        } catch (IOException e) {
            return "";
        }
    }
}
