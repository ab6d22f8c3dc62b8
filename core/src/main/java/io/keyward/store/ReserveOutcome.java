package io.keyward.store;

import java.time.LocalDate;

/**
 * What {@code keyward_reserve} decided, and the UTC day (database clock) the reservation is on.
 *
 * @param outcome reserved | replay | idempotency_mismatch | revoked | expired | over_key_cap | over_run_cap | over_agent_cap
 */
public record ReserveOutcome(String outcome, LocalDate day) {
}
