package io.keyward.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Escrow leases: each node reserves a chunk of a key's daily budget at a time and admits that
 * key's small calls from it in memory. On unless {@code spend.lease_usd: off} (or the revoke poll
 * is off, since only the poll can take a lease back).
 *
 * @param chunkUsd the chunk per key and node; null: {@link #AUTO_SHARE} of the key's daily cap
 * @param ttl how long a lease outlives its node's last renewal before any node gives it back
 * @param explicit whether the config named {@code lease_usd} (then a revoke poll that is off is an error, not a quiet "off")
 */
public record LeaseConfig(boolean on, BigDecimal chunkUsd, Duration ttl, boolean explicit) {
    /** The chunk when none is configured: a twentieth of the key's cap, so a few nodes' leases leave most of it shared. */
    public static final BigDecimal AUTO_SHARE = new BigDecimal("0.05");
    /** A chunk is drawn in quarters: what a crashed node leaves reserved is at most one quarter. */
    public static final int DRAWS_PER_CHUNK = 4;
    static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    public LeaseConfig {
        if (chunkUsd != null && chunkUsd.signum() <= 0) {
            throw new ConfigException("lease_usd", "must be more than 0, or off (every money call reserved in the database)");
        }
        if (ttl.compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigException("lease_ttl", "must be at least 500ms: a lease renewed late would be given back under its node");
        }
    }

    public static LeaseConfig ofDefaults() {
        return new LeaseConfig(true, null, DEFAULT_TTL, false);
    }

    public static LeaseConfig off() {
        return new LeaseConfig(false, null, DEFAULT_TTL, false);
    }

    /** One draw from a key's lease: the largest call a lease admits (larger calls are reserved alone). */
    public BigDecimal drawUsd(BigDecimal keyCap) {
        BigDecimal chunk = chunkUsd != null ? chunkUsd : keyCap.multiply(AUTO_SHARE);
        return chunk.divide(BigDecimal.valueOf(DRAWS_PER_CHUNK), 6, RoundingMode.DOWN);
    }

    static LeaseConfig parse(String leaseUsd, String leaseTtl) {
        Duration ttl = ConfigValues.duration("lease_ttl", leaseTtl, DEFAULT_TTL);
        if (leaseUsd == null || leaseUsd.isBlank()) {
            return new LeaseConfig(true, null, ttl, false);
        }
        if (leaseUsd.strip().equals("off")) {
            return new LeaseConfig(false, null, ttl, true);
        }
        return new LeaseConfig(true, SpendConfig.amount("lease_usd", leaseUsd, null), ttl, true);
    }
}
