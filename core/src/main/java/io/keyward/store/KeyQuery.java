package io.keyward.store;

import java.time.Instant;

/**
 * Filters for listing keys, newest first. {@code afterCreatedAt}/{@code afterId} continue from the
 * last row of the previous page (keyset paging: stable while rows are added).
 *
 * @param state "active", "revoked", "expired" or null for all
 */
public record KeyQuery(String agentName, String agentRunId, String vendor, String state,
                       Instant afterCreatedAt, String afterId, int limit) {
}
