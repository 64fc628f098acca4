package lackey.local;

import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;

/**
 * The HTTP front's own error answers, in lackey's shape {@code {"error":"<code>","message":"<for a person>"}}:
 * a code for each status, and a message that names the limit that was hit, never a Java class.
 */
final class HttpErrors {

    private static final int MAX_DETAIL_LENGTH = 200;

    private HttpErrors() {
    }

    /** The answer for {@code status}; {@code message} replaces the usual one when not null. */
    static HttpApiEvents.Response answer(int status, String message) {
        return HttpApiEvents.Response.json(status, code(status), message != null ? message : message(status));
    }

    /**
     * The answer for {@code status} when Jetty refused the request; {@code reason} is Jetty's reason, added to
     * the message when it says more than the status does and cannot be a stack's text.
     */
    static HttpApiEvents.Response refused(int status, String reason) {
        String message = message(status);
        if (reason != null && isPlainDetail(reason) && !reason.equalsIgnoreCase(HttpStatus.getMessage(status))) {
            message = message + " (" + reason + ")";
        }
        return HttpApiEvents.Response.json(status, code(status), message);
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 408 -> "request_timeout";
            case 411 -> "length_required";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 417 -> "expectation_failed";
            case 426 -> "upgrade_required";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 400 -> "The request is not well-formed HTTP/1.1";
            case 408 -> "The request stopped arriving: nothing came for longer than the read timeout";
            case 413 -> "The request body is larger than 10 MB, HTTP API's payload limit";
            case 414 -> "The request line is longer than 10,240 bytes, HTTP API's limit";
            case 417 -> "The only expectation served is Expect: 100-continue";
            case 426 -> "HTTP/2 is not served here: send HTTP/1.1";
            case 431 -> "The request head is larger than the local API reads; HTTP API takes at most 10,240 bytes"
                    + " of request line and header values";
            case 500 -> "Internal Server Error";
            case 501 -> "The request needs something the local API does not implement";
            case 505 -> "Only HTTP/1.0 and HTTP/1.1 are served";
            default -> HttpStatus.getMessage(status);
        };
    }

    // Jetty's reasons are short phrases ("Invalid Content-Length Value"); anything that could be an exception's
    // text is left out rather than shown.
    private static boolean isPlainDetail(String reason) {
        String lower = reason.toLowerCase(Locale.ROOT);
        return reason.length() <= MAX_DETAIL_LENGTH && reason.chars().allMatch(c -> c >= ' ' && c <= '~')
                && !lower.contains("java") && !lower.contains("exception") && !lower.contains("jetty")
                && !lower.contains("error:");
    }

    /** {@code text} fit for a log line: at most 200 printable ASCII characters, {@code -} when missing. */
    static String printable(String text) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL_LENGTH + 1));
        for (int i = 0; i < text.length() && i < MAX_DETAIL_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(c >= ' ' && c <= '~' ? c : '?');
        }
        return text.length() > MAX_DETAIL_LENGTH ? out.append('…').toString() : out.toString();
    }
}
