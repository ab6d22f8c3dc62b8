package io.keyward.key;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of {@code vault_keys} as read at one moment. {@code expired} is computed by the database
 * clock in the same query, so node clock skew cannot extend a key's life; {@code frozen} says a
 * kill switch covers the key's vendor (or every vendor) right now; {@code secretVersion} is the
 * version of the vendor's stored secret (null when it has none), read in the same query so a
 * rotation is seen on the next call at no extra cost.
 *
 * @param policy the key's policy as JSON text, or null for the vendor's safe default
 * @param metadata free-form JSON object text, or null
 */
public record VaultKey(String id, byte[] secretHash, String agentName, String agentRunId, String vendor,
                       String policy, BigDecimal dailyUsdCap, BigDecimal runUsdCap, Instant expiresAt,
                       Instant revokedAt, String revokedReason, String metadata, Instant createdAt, long version,
                       boolean expired, boolean frozen, Long secretVersion) {

    public boolean revoked() {
        return revokedAt != null;
    }

    /** This key as the database would read it once {@code expiresAt} has passed. */
    public VaultKey asExpired() {
        return new VaultKey(id, secretHash, agentName, agentRunId, vendor, policy, dailyUsdCap, runUsdCap, expiresAt,
                revokedAt, revokedReason, metadata, createdAt, version, true, frozen, secretVersion);
    }

    public KeyState state() {
        if (revoked()) {
            return KeyState.REVOKED;
        }
        return expired ? KeyState.EXPIRED : KeyState.ACTIVE;
    }

    @Override
    public String toString() {
        return "VaultKey[id=" + id + ", agent=" + agentName + ", run=" + agentRunId + ", vendor=" + vendor
                + ", state=" + state() + "]";
    }
}
