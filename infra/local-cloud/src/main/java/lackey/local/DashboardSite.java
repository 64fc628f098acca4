package lackey.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard as a site of the local cloud's {@link HttpFront}: GET and HEAD requests outside {@code /api/}
 * get {@link DashboardAssets}' answer. It comes after the API in the front's sites, so API routes keep priority.
 */
final class DashboardSite implements HttpFront.Site {

    private final DashboardAssets assets;

    DashboardSite(DashboardAssets assets) {
        this.assets = assets;
    }

    @Override
    public Optional<HttpFront.Endpoint> endpoint(String method, String rawPath) {
        if (!(method.equals("GET") || method.equals("HEAD")) || rawPath.equals("/api") || rawPath.startsWith("/api/")) {
            return Optional.empty();
        }
        return Optional.of((request, requestId) -> {
            DashboardAssets.Asset asset = assets.get(rawPath);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            asset.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            return new HttpApiEvents.Response(asset.status(), headers, asset.body());
        });
    }
}
