package io.keyward.forward;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the message (RFC 9110 section 7.6.1), so a proxy must
 * not pass them on, plus the ones Keyward itself owns on the upstream leg.
 */
final class HopByHopHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade");

    /**
     * Set by Keyward or by the HTTP client on the upstream request: never copied from the agent.
     * Accept-Encoding is among them so vendors answer uncompressed and secrets they echo can be masked.
     */
    private static final Set<String> OWNED_UPSTREAM = Set.of("authorization", "host", "content-length", "expect", "accept-encoding");

    /** Keyward's own request id; a vendor cannot overwrite it. */
    private static final String KEYWARD_REQUEST_ID = "x-keyward-request-id";

    private HopByHopHeaders() {
    }

    static boolean passesAgentToVendor(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower) && !OWNED_UPSTREAM.contains(lower) && !connectionTokens.contains(lower);
    }

    static boolean passesVendorToAgent(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(lower) && !connectionTokens.contains(lower) && !lower.equals(KEYWARD_REQUEST_ID);
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
