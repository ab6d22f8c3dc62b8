package io.keyward.secret;

import io.keyward.config.Secret;
import io.keyward.contract.UpstreamCredential;
import io.keyward.contract.Vendor;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Puts the real vendor credential on a call, and builds the path the vendor receives. The agent's
 * own {@code Authorization} never travels on (the forward step sends only admitted headers); this is
 * the only place that reads a vendor secret.
 *
 * <p>The path is rebuilt from the segments the request step decoded, matched and checked, with the
 * vendor's account segment set to the real account, then encoded plainly: the vendor reads the path
 * that the policy read, never the agent's own spelling of it.
 */
public final class CredentialInjector {

    /** @param secret the vendor's secret in force now ({@link VendorSecrets#current}) */
    public UpstreamCredential credentialFor(Route route, CallRequest call, Secret secret) {
        return new UpstreamCredential(route.vendor().authorization(secret), upstreamPath(route, call));
    }

    /** The path the vendor receives, below the upstream base. */
    public static String upstreamPath(Route route, CallRequest call) {
        Vendor vendor = route.vendor();
        List<String> below = call.pathSegments().subList(route.hostSegments(), call.pathSegments().size());
        return encode(vendor.upstreamSegments(below, route.defaultHost()));
    }

    /** {@code /a/b}: each segment percent-encoded except unreserved characters (RFC 3986) and {@code : @}. */
    static String encode(List<String> segments) {
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@') {
                    out.append((char) c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }
}
