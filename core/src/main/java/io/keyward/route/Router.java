package io.keyward.route;

import io.keyward.vendor.VendorProfile;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Maps {@code {prefix}/{vendor}/{rest}} to a {@link Route}. Only paths whose first segment after the
 * prefix names a configured vendor are Keyward's; anything else is left to the rest of the web app.
 */
public final class Router {
    private final String prefix;
    private final Map<String, VendorProfile> vendors;

    public Router(String prefix, Map<String, VendorProfile> vendors) {
        this.prefix = prefix;
        this.vendors = Map.copyOf(vendors);
    }

    /**
     * @param rawPath the request path inside the web app's context, still percent-encoded
     * @param rawQuery the query string, or null
     */
    public Optional<Route> route(String rawPath, String rawQuery) {
        if (!rawPath.startsWith(prefix + "/")) {
            return Optional.empty();
        }
        String afterPrefix = rawPath.substring(prefix.length() + 1);
        int slash = afterPrefix.indexOf('/');
        String vendorName = slash < 0 ? afterPrefix : afterPrefix.substring(0, slash);
        VendorProfile vendor = vendors.get(vendorName);
        if (vendor == null) {
            return Optional.empty();
        }
        String rest = slash < 0 ? "/" : afterPrefix.substring(slash);
        String vendorPath = rest;
        URI base = vendor.baseUrl();
        String hostSegment = firstSegment(rest);
        URI otherHost = vendor.hosts().get(hostSegment);
        if (otherHost != null) {
            base = otherHost;
            rest = rest.substring(1 + hostSegment.length());
            if (rest.isEmpty()) {
                rest = "/";
            }
        }
        return Optional.of(new Route(vendor, base, vendorPath, rest, rawQuery));
    }

    private static String firstSegment(String path) {
        int next = path.indexOf('/', 1);
        return next < 0 ? path.substring(1) : path.substring(1, next);
    }
}
