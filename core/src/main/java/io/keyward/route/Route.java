package io.keyward.route;

import io.keyward.vendor.VendorProfile;
import java.net.URI;

/**
 * Where a call goes: the vendor, the fixed upstream base chosen by config, and the rest of the
 * agent's path (still percent-encoded, exactly as sent).
 *
 * @param vendorPath the agent's path below {@code /{vendor}}, host segment included ({@code /verify/v2/...}):
 *     what operations are matched against
 * @param upstreamPath path below {@code upstreamBase}, starting with {@code /}
 * @param rawQuery the query string as sent, or null
 */
public record Route(VendorProfile vendor, URI upstreamBase, String vendorPath, String upstreamPath, String rawQuery) {
}
