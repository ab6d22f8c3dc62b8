package io.keyward.auth;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.key.KeyHasher;
import io.keyward.key.PresentedKey;
import io.keyward.key.VaultKey;
import java.util.List;
import java.util.Optional;

/**
 * Turns the presented vault key into the stored {@link VaultKey}: format and checksum first (no
 * database for junk), then a lookup by public id ({@link KeyCache}) and a constant-time comparison
 * of the HMAC.
 */
public final class Authenticator {
    private static final byte[] NO_HASH = new byte[32];
    /** The audit rule of a refusal made because the client address failed too often. */
    public static final String OVER_LIMIT_RULE = "auth.failed_per_address";
    private final KeyCache keys;
    private final KeyHasher hasher;
    private final FailedAuthLimit failures;

    public Authenticator(KeyCache keys, KeyHasher hasher, FailedAuthLimit failures) {
        this.keys = keys;
        this.hasher = hasher;
        this.failures = failures;
    }

    /**
     * @param clientAddress where the call came from: failed authentications are limited per address
     * @throws Refusal {@code denied_unknown_key} (or {@code denied_malformed}) when no valid key was
     *     presented; {@code denied_rate_limit} when the address failed too often and presents junk,
     *     a key this node does not know, or a wrong secret for one it does
     */
    public VaultKey authenticate(List<String> authorizationHeaders, String clientAddress) {
        PresentedKey presented;
        try {
            presented = VaultKeyExtractor.extract(authorizationHeaders);
        } catch (Refusal refusal) {
            // No key at all, another scheme, junk: past the limit these are refused (and recorded)
            // once a second per address, not one audit row each. They cost no look-up, so they do
            // not count against agents presenting real keys from the same address.
            throw failures.junk(clientAddress) ? overLimit() : refusal;
        }
        boolean over = failures.over(clientAddress);
        if (over && !keys.knows(presented.id())) {
            throw overLimit();
        }
        Optional<VaultKey> stored = keys.find(presented.id());
        // Hash even when the id is unknown, so timing does not tell which ids exist.
        boolean matches = hasher.matches(presented.secret(), stored.map(VaultKey::secretHash).orElse(NO_HASH));
        if (stored.isEmpty() || !matches) {
            failures.failed(clientAddress);
            // A known id with wrong secrets is guessing too: past the limit, aggregated like the rest.
            throw over ? overLimit() : new Refusal(Code.DENIED_UNKNOWN_KEY, "unknown vault key");
        }
        return stored.get();
    }

    private static Refusal overLimit() {
        return new Refusal(Code.DENIED_RATE_LIMIT, 429, "too many failed authentications from this address; try again later",
                OVER_LIMIT_RULE, 1L);
    }

    /**
     * Whether a refusal for being over the limit gets its own audit row: the first each second per
     * address does, saying how many went unrecorded before it. @return the reason to record, or null
     */
    public String overLimitAuditReason(String clientAddress, String message) {
        long unrecorded = failures.recordRefusal(clientAddress);
        return unrecorded < 0 ? null : message + (unrecorded == 0 ? "" : " (" + unrecorded + " more refused since the last recorded)");
    }
}
