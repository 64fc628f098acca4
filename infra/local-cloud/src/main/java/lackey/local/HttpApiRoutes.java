package lackey.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lackey.local.template.HttpRoute;

/**
 * Picks the route of an HTTP API that serves a request, as API Gateway does: path segments match
 * literally or bind {@code {name}} parameters, a last {@code {name+}} segment takes the rest of the path,
 * and the most specific route wins (literal over parameter over greedy, a named method over {@code ANY});
 * {@code $default} catches what nothing else matches.
 */
final class HttpApiRoutes {

    private final List<HttpRoute> routes;

    HttpApiRoutes(List<HttpRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    /** A route that matched, with its path parameters (percent-decoded). */
    record Match(HttpRoute route, Map<String, String> pathParameters) {
    }

    /** The route for {@code method} and {@code rawPath} (the path as sent, still percent-encoded). */
    Optional<Match> match(String method, String rawPath) {
        String[] segments = segments(rawPath);
        List<Scored> candidates = new ArrayList<>();
        Match fallback = null;
        for (HttpRoute route : routes) {
            if (route.path().equals("$default")) {
                if (route.method().equals("ANY") || route.method().equals(method)) {
                    fallback = new Match(route, Map.of());
                }
                continue;
            }
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            Scored scored = score(route, segments);
            if (scored != null) {
                candidates.add(scored);
            }
        }
        Optional<Match> best = candidates.stream().max(Comparator.comparingInt(Scored::score)).map(Scored::match);
        return best.isPresent() ? best : Optional.ofNullable(fallback);
    }

    private record Scored(Match match, int score) {
    }

    private static Scored score(HttpRoute route, String[] path) {
        String[] pattern = segments(route.path());
        Map<String, String> parameters = new LinkedHashMap<>();
        int literals = 0;
        boolean greedy = false;
        for (int i = 0; i < pattern.length; i++) {
            String part = pattern[i];
            if (part.startsWith("{") && part.endsWith("+}") && i == pattern.length - 1) {
                if (path.length <= i) {
                    return null;
                }
                parameters.put(part.substring(1, part.length() - 2), decode(String.join("/", List.of(path).subList(i, path.length))));
                greedy = true;
                break;
            }
            if (i >= path.length) {
                return null;
            }
            if (part.startsWith("{") && part.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(part.substring(1, part.length() - 1), decode(path[i]));
            } else if (part.equals(path[i])) {
                literals++;
            } else {
                return null;
            }
        }
        if (!greedy && pattern.length != path.length) {
            return null;
        }
        // greedy routes rank below every exact-length route; then more literal segments; then a named method
        int score = (greedy ? 0 : 1_000_000) + literals * 10 + (route.method().equals("ANY") ? 0 : 1);
        return new Scored(new Match(route, parameters), score);
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.split("/", -1);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
