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
    private static final String KEYWARD_REQUEST_ID = "x-keyward-request-id";

    private HopByHopHeaders() {
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
