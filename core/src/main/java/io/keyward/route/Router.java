package io.keyward.route;

import io.keyward.contract.Vendor;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Maps {@code {prefix}/{vendor}/{rest}} to a {@link Route}. Only paths whose first segment after the
 * prefix names a configured vendor are Keyward's; anything else is left to the rest of the web app.
 */
public final class Router {
    private final String prefix;
    private final Map<String, Vendor> vendors;

    public Router(String prefix, Map<String, Vendor> vendors) {
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
        Vendor vendor = vendors.get(vendorName);
        if (vendor == null) {
            return Optional.empty();
        }
        String rest = slash < 0 ? "/" : afterPrefix.substring(slash);
        // The host segment is compared as sent: an encoded spelling of it is not a host segment, and
        // the request step then refuses it as an encoded fixed segment.
        URI otherHost = vendor.hosts().get(firstSegment(rest));
        return Optional.of(otherHost == null
                ? new Route(vendor, vendor.baseUrl(), rest, 0, rawQuery)
                : new Route(vendor, otherHost, rest, 1, rawQuery));
    }

    private static String firstSegment(String path) {
        int next = path.indexOf('/', 1);
        return next < 0 ? path.substring(1) : path.substring(1, next);
    }
}
