package io.keyward.store;

import java.time.Instant;

/** One row of {@code admin_tokens}: a token's name, its hash and scopes (space-separated), and whether it is revoked. */
public record AdminTokenRow(String name, byte[] tokenHash, String scopes, Instant createdAt, String createdBy, Instant revokedAt) {
}
