package lackey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The lackey HTTP API as the CLI calls it. Operator calls are SigV4-signed when a {@link CallSigner} is given;
 * the simulation's calls (start, heartbeat, stop, uploads) carry the run's token instead and are never signed.
 * Files move only through the presigned URLs the API hands out, never through the API itself.
 */
final class LackeyApi {

    /** Headers the JDK's HTTP client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final URI base;
    private final java.util.function.Supplier<CallSigner> signers;
    private CallSigner signer;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param base    the API's base URL, e.g. {@code http://127.0.0.1:8000}
     * @param signers makes the signer of operator calls on first use (credentials and region are looked up only
     *                then), or null to send them unsigned (the local cloud)
     * @param timeout how long one call may take
     */
    LackeyApi(URI base, java.util.function.Supplier<CallSigner> signers, Duration timeout) {
        this.base = base;
        this.signers = signers;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI base() {
        return base;
    }

    boolean signs() {
        return signers != null;
    }

    private synchronized CallSigner signer() {
        if (signer == null) {
            signer = signers.get();
        }
        return signer;
    }

    /** A request body and its media type. */
    record Body(String contentType, byte[] bytes) {

        static final Body NONE = new Body(null, new byte[0]);

        static Body form(Map<String, String> fields) {
            StringJoiner form = new StringJoiner("&");
            fields.forEach((name, value) -> form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8)));
            return new Body("application/x-www-form-urlencoded", form.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Body json(JsonNode json) {
            return new Body("application/json", Json.bytes(json));
        }
    }

    /** What the API answered. */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        String header(String name) {
            for (var entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().getFirst();
                }
            }
            return null;
        }

        JsonNode json() {
            return Json.read(body);
        }

        /** The API's error code ({@code run_not_found} …), or null when the body is not lackey's error JSON. */
        String errorCode() {
            try {
                JsonNode error = json().path("error");
                return error.isTextual() ? error.asText() : null;
            } catch (CliFailure notJson) {
                return null;
            }
        }

        String errorMessage() {
            try {
                JsonNode json = json();
                if (json.path("message").isTextual()) {
                    return json.path("message").asText();
                }
            } catch (CliFailure notJson) {
                // fall through to the raw text
            }
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "HTTP " + status : text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }

    /** An operator call (signed when this API signs), answered with JSON; an error answer is a {@link CliFailure}. */
    JsonNode operator(String method, String pathAndQuery, Body body) {
        return require(call(method, pathAndQuery, body, true), method, pathAndQuery);
    }

    /** A simulation call with the run's token in the body, never signed; an error answer is a {@link CliFailure}. */
    JsonNode simulation(String method, String path, Body body) {
        return require(call(method, path, body, false), method, path);
    }

    /** Any call, whatever it answers; only a failure to reach the API is a {@link CliFailure}. */
    Answer call(String method, String pathAndQuery, Body body, boolean operator) {
        URI uri = URI.create(base + pathAndQuery);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept", "application/json");
        if (body.contentType() != null) {
            headers.put("content-type", body.contentType());
        }
        HttpRequest.Builder request;
        if (operator && signers != null) {
            CallSigner.Signed signed = signer().sign(method, uri, headers, body.bytes());
            request = HttpRequest.newBuilder(signed.uri());
            signed.headers().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
        } else {
            request = HttpRequest.newBuilder(uri);
            headers.forEach(request::header);
        }
        request.timeout(timeout).method(method, body.bytes().length == 0 && body.contentType() == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted while calling the API at " + base, null);
        }
    }

    /** GET of a presigned URL the API handed out, streamed; a non-2xx answer is a {@link CliFailure}. */
    InputStream download(URI url) {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readNBytes(500), StandardCharsets.UTF_8);
                }
                throw CliFailure.api("the storage refused the download (HTTP " + response.statusCode() + "): " + text.strip(),
                        "links expire after 15 minutes: run the command again for a fresh one");
            }
            return response.body();
        } catch (IOException e) {
            throw CliFailure.unreachable("cannot download from " + url.getHost() + ": " + describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted while downloading", null);
        }
    }

    /** PUT of a file to a presigned upload URL the API handed out; a non-2xx answer is a {@link CliFailure}. */
    void upload(URI url, Path file) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofHours(1))
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw CliFailure.api("the storage refused the upload of " + file + " (HTTP " + response.statusCode() + "): "
                        + abbreviate(response.body().strip()), "upload links expire after an hour: run the command again");
            }
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw CliFailure.file("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw CliFailure.unreachable("cannot upload " + file + " to " + url.getHost() + ": " + describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted while uploading " + file, null);
        }
    }

    private JsonNode require(Answer answer, String method, String path) {
        if (answer.ok()) {
            return answer.body().length == 0 ? Json.MAPPER.createObjectNode() : answer.json();
        }
        throw failure(answer, method, path);
    }

    /** The API's error as a person should read it, with the fix when there is a known one. */
    CliFailure failure(Answer answer, String method, String path) {
        String code = answer.errorCode();
        String message = answer.errorMessage() + " (HTTP " + answer.status() + (code == null ? "" : " " + code) + ")";
        String hint = switch (answer.status()) {
            case 403 -> code == null || code.equals("forbidden") ? signingHint() : null;
            case 404 -> "run_not_found".equals(code) ? "`lackey ls` lists the runs"
                    : code == null || code.equals("not_found")
                    ? "is " + base + " a lackey API of this version? (" + method + " " + path.replaceAll("\\?.*", "") + ")" : null;
            case 500, 502, 503, 504 -> "the API failed; try again, and quote the request id above if it persists";
            default -> null;
        };
        return CliFailure.api(message, hint);
    }

    private String signingHint() {
        if (signers == null) {
            return "this API wants SigV4-signed calls: give --sign (or --profile / --stack) with AWS credentials;"
                    + " for `./lackey local --iam` run `. .lackey/local.env` first, which sets them";
        }
        return "the API refused the signature: check the credentials (`aws sts get-caller-identity`), their permission"
                + " execute-api:Invoke on this API, and the region" + (signer == null ? "" : " (" + signer.region() + ")");
    }

    private CliFailure unreachable(IOException e) {
        boolean local = isLoopback(base);
        return CliFailure.unreachable("cannot reach the API at " + base + ": " + describe(e),
                local ? "start the local cloud with `./lackey local`, or point --api, LACKEY_API or --stack at a deployed API"
                        : "check the URL (--api, LACKEY_API or --stack) and the network");
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "no answer to the connection within 10 s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static boolean isLoopback(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost();
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** Query parameters, percent-encoded as SigV4 canonicalises them (RFC 3986), without empty ones. */
    static String query(Map<String, String> parameters) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(encode(name) + "=" + encode(value));
            }
        });
        return query.toString();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** A JSON object body. */
    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }
}
