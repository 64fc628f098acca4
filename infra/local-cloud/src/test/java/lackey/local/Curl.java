package lackey.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a curl command line with the real curl binary, through sh as a user's shell would, and checks the
 * local API's answer to it against openapi.yaml. curl is told to dump the response headers to a file
 * ({@code -D}), so the command line itself, and what it prints, stay exactly as written.
 */
final class Curl {

    private static final Pattern METHOD = Pattern.compile("(?:^|\\s)(?:-X|--request)\\s+['\"]?([A-Za-z]+)");
    private static final Pattern SENDS_DATA = Pattern.compile("(?:^|\\s)(?:-d|--data(?:-urlencode|-binary|-raw)?|-F|--form)\\s");
    private static final Pattern GET = Pattern.compile("(?:^|\\s)(?:-G|--get)(?:\\s|$)");
    private static final Pattern UPLOAD = Pattern.compile("(?:^|\\s)(?:-T|--upload-file)\\s");
    private static final Pattern INCLUDES_HEADERS = Pattern.compile("(?:^|\\s)(?:-i|--include|-s?i|-is)(?:\\s|$)");

    private Curl() {
    }

    /** What curl printed, and its exit code. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs the command line and fails the test if curl fails. The first answer from {@code api} (the local
     * cloud's API URL, as {@code http://127.0.0.1:<port>} or {@code http://localhost:<port>}) is checked
     * against openapi.yaml; requests elsewhere (presigned S3 URLs) are not.
     */
    static Result run(String commandLine, URI api) throws Exception {
        Path headers = Files.createTempFile("lackey-curl-", ".headers");
        try {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c",
                    "curl() { command curl -D \"$LACKEY_CURL_HEADERS\" \"$@\"; }\n" + commandLine);
            builder.environment().put("LACKEY_CURL_HEADERS", headers.toString());
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("curl failed (" + commandLine + "): " + errors + new String(out, StandardCharsets.UTF_8));
            }
            String stdout = new String(out, StandardCharsets.UTF_8);
            checkApiAnswer(commandLine, api, Files.readString(headers, StandardCharsets.ISO_8859_1), stdout);
            return new Result(process.exitValue(), stdout, errors);
        } finally {
            Files.deleteIfExists(headers);
        }
    }

    private static void checkApiAnswer(String commandLine, URI api, String dumpedHeaders, String stdout) {
        Matcher url = Pattern.compile("https?://(?:127\\.0\\.0\\.1|localhost):" + api.getPort() + "(/[^\\s'\"]*)")
                .matcher(commandLine);
        if (!url.find()) {
            return; // not a call of the local API
        }
        List<Response> responses = responses(dumpedHeaders);
        if (responses.isEmpty()) {
            fail("curl dumped no response headers for " + commandLine);
        }
        Response first = responses.getFirst();
        String body;
        if (responses.size() > 1) {
            body = null; // curl followed the API's redirect: what it printed is the next response's body
        } else if (INCLUDES_HEADERS.matcher(commandLine).find()) {
            int end = stdout.lastIndexOf("\r\n\r\n");
            body = end < 0 ? "" : stdout.substring(end + 4);
        } else {
            body = stdout;
        }
        ApiAnswers.check(method(commandLine), url.group(1), first.status(), first.headers(), body);
    }

    /** The request's method as curl chooses it from the command line. */
    private static String method(String commandLine) {
        Matcher explicit = METHOD.matcher(commandLine);
        if (explicit.find()) {
            return explicit.group(1).toUpperCase(Locale.ROOT);
        }
        if (GET.matcher(commandLine).find()) {
            return "GET";
        }
        if (UPLOAD.matcher(commandLine).find()) {
            return "PUT";
        }
        return SENDS_DATA.matcher(commandLine).find() ? "POST" : "GET";
    }

    private record Response(int status, Map<String, List<String>> headers) {
    }

    /** The responses in a header dump, in order, without interim 1xx ones. */
    private static List<Response> responses(String dump) {
        List<Response> responses = new ArrayList<>();
        for (String block : dump.split("\r\n\r\n")) {
            String[] lines = block.strip().split("\r\n");
            if (lines.length == 0 || !lines[0].startsWith("HTTP/")) {
                continue;
            }
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            if (status < 200) {
                continue;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).strip());
                }
            }
            responses.add(new Response(status, headers));
        }
        return responses;
    }
}
