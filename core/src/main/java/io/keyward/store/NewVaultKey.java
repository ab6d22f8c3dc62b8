package io.keyward.store;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What is inserted when a key is issued. Exactly one of {@code expiresAt} (absolute) and
 * {@code expiresInMicros} (added to the database clock) is set.
 */
public record NewVaultKey(String id, byte[] secretHash, String agentName, String agentRunId, String vendor,
                          String policy, BigDecimal dailyUsdCap, BigDecimal runUsdCap, Instant expiresAt,
                          Long expiresInMicros, String metadata) {
}
