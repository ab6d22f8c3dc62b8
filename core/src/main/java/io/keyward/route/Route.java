package io.keyward.route;

import io.keyward.contract.Vendor;
import java.net.URI;

/**
 * Where a call goes: the vendor, the fixed upstream base chosen by config, and the agent's path
 * below {@code /{vendor}}, still percent-encoded exactly as sent. The request step decodes and
 * checks that path once; the forwarded path is built from what it read, never from these bytes.
 *
 * @param vendorPath the agent's path below {@code /{vendor}}, host segment included ({@code /verify/v2/...}):
 *     what operations are matched against
 * @param hostSegments how many leading segments of {@code vendorPath} chose {@code upstreamBase}
 *     (1 for a second API host such as Twilio's {@code verify}, else 0); they are not forwarded
 * @param rawQuery the query string as sent, or null
 */
public record Route(Vendor vendor, URI upstreamBase, String vendorPath, int hostSegments, String rawQuery) {

    /** Whether the call goes to the vendor's main host. */
    public boolean defaultHost() {
        return hostSegments == 0;
    }
}
