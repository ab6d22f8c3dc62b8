package io.keyward.route;

import io.keyward.contract.Vendor;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Maps {@code {prefix}/{vendor}/{rest}} to a {@link Route}; and {@code {prefix}/{rest}} to the vendor
 * of the vault key presented, for SDKs that can name only a host and port (stripe-node sends
 * {@code /v1/...}). The vendor prefix wins when present, so a Stripe key on {@code /twilio/...}
 * is still a Twilio call, refused as the wrong vendor.
 */
public final class Router {
    /** The admin API's path below the mount: never a vendor call, whatever key is presented. */
    private static final String ADMIN = "/admin";
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
        return Optional.of(routeBelow(vendor, slash < 0 ? "/" : afterPrefix.substring(slash), rawQuery));
    }

    /** The configured vendor of this name. */
    public Optional<Vendor> vendor(String name) {
        return Optional.ofNullable(vendors.get(name));
    }

    /**
     * Whether a path with no vendor prefix is one a vault key may route: under the mount prefix and
     * not the admin API's.
     */
    public boolean routesByKey(String rawPath) {
        String rest = belowPrefix(rawPath);
        return rest != null && !rest.equals(ADMIN) && !rest.startsWith(ADMIN + "/");
    }

    /** The route of a path that {@link #routesByKey routes by key}, to the vendor of the key presented. */
    public Route routeByKey(String rawPath, String rawQuery, Vendor keysVendor) {
        String rest = belowPrefix(rawPath);
        return routeBelow(keysVendor, rest == null || rest.isEmpty() ? "/" : rest, rawQuery);
    }

    private String belowPrefix(String rawPath) {
        if (prefix.isEmpty()) {
            return rawPath;
        }
        return rawPath.equals(prefix) || rawPath.startsWith(prefix + "/") ? rawPath.substring(prefix.length()) : null;
    }

    private static Route routeBelow(Vendor vendor, String rest, String rawQuery) {
        // The host segment is compared as sent: an encoded spelling of it is not a host segment, and
        // the request step then refuses it as an encoded fixed segment.
        URI otherHost = vendor.hosts().get(firstSegment(rest));
        return otherHost == null
                ? new Route(vendor, vendor.baseUrl(), rest, 0, rawQuery)
                : new Route(vendor, otherHost, rest, 1, rawQuery);
    }

    private static String firstSegment(String path) {
        int next = path.indexOf('/', 1);
        return next < 0 ? path.substring(1) : path.substring(1, next);
    }
}
