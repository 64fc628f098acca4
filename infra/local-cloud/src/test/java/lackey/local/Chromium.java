package lackey.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for one test class, driven through the system's chromedriver (Debian's chromium and
 * chromium-driver): no driver or browser is downloaded, Selenium Manager is never asked. When either is
 * missing, each test of the class is skipped with what to install (each, so that the reports count them), or
 * fails under {@code LACKEY_REQUIRE_TOOLS=1}, as .ci/run sets it: a skipped browser test proves nothing.
 * Register it with {@code @RegisterExtension static final Chromium BROWSER = new Chromium();}.
 */
final class Chromium implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** Where the browser tests put their screenshots: the build output, for a person to look at. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static final String INSTALL = "The dashboard's browser tests need Chromium and its WebDriver: "
            + "apt-get install chromium chromium-driver (Debian, Ubuntu), or put chromium and chromedriver on the PATH";

    private ChromeDriver driver;
    private Path profile;
    private String missing;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Optional<Path> browser = find("chromium", "chromium-browser", "google-chrome");
        Optional<Path> chromedriver = find("chromedriver");
        if (browser.isEmpty() || chromedriver.isEmpty()) {
            missing = (browser.isEmpty() ? "no chromium" : "no chromedriver") + " on this machine. " + INSTALL;
            return;
        }
        // Selenium logs a warning per CDP version it has no classes for; the tests do not use CDP.
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        profile = Files.createTempDirectory("lackey-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        // This machine's network is closed: without these Chromium stalls on its own background requests.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1440,900",
                "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // A driver executable given to the service: Selenium skips Selenium Manager and downloads nothing.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (missing != null) {
            if ("1".equals(System.getenv("LACKEY_REQUIRE_TOOLS"))) {
                fail(missing + " [LACKEY_REQUIRE_TOOLS=1: a missing tool fails the build instead of skipping]");
            }
            Assumptions.abort(missing);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** Waits up to {@code seconds} for the condition to give a value other than null or false. */
    <T> T await(int seconds, Function<WebDriver, T> condition) {
        // the page replaces elements as it refreshes: an element gone stale is looked up again at the next try
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** What the page logged as errors since the last call (script errors, CSP violations, failed loads). */
    List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** A PNG of the whole page (the window grown to its height) in {@link #SCREENSHOTS}; returns its path. */
    Path screenshot(String name) {
        Dimension before = driver.manage().window().getSize();
        try {
            long height = ((Number) script("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
            long chrome = ((Number) script("return window.outerHeight - window.innerHeight")).longValue();
            driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(4000, height + chrome)));
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    private static Optional<Path> find(String... names) {
        List<Path> folders = new ArrayList<>(List.of(Path.of("/usr/bin")));
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isBlank()) {
                folders.add(Path.of(folder));
            }
        }
        for (String name : names) {
            for (Path folder : folders) {
                Path candidate = folder.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
