package io.keyward.store;

/**
 * One row of {@code admin_events}: who (the admin token's id) did what to which scope, and why.
 *
 * @param affected keys issued or revoked, or kill switches changed
 */
public record AdminEvent(String adminId, String action, String scope, String target, String reason, int affected,
                         String requestId) {
}
