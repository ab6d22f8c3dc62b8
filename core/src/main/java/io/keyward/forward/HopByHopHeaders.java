package io.keyward.forward;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the message (RFC 9110 section 7.6.1), so a proxy must
 * not pass them back to the agent. On the upstream leg only the headers the vendor's contract
 * admits travel at all ({@code io.keyward.contract.HeaderContract}).
 */
final class HopByHopHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade");

    /** Keyward's own request id; a vendor cannot overwrite it. */

    private HopByHopHeaders() {
    }

    static boolean passesVendorToAgent(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        // Keyward's own headers (request id, budget) are Keyward's to say: a vendor cannot set or replace them.
        return !HOP_BY_HOP.contains(lower) && !connectionTokens.contains(lower) && !lower.startsWith("x-keyward-");
    }

    /** Header names listed in {@code Connection}, which are hop-by-hop for this message too. */
    static Set<String> connectionTokens(Iterable<String> connectionValues) {
        java.util.Set<String> tokens = new java.util.HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }
}
