package io.keyward.spend;

import io.keyward.store.ReservationEnd;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * Money held for one call until the vendor answers.
 *
 * @param replay a retry with an Idempotency-Key already reserved: nothing new was held, nothing settles
 * @param runId the run budget it is also held on, or null
 * @param agent the agent budget it is also held on, or null
 * @param idempotencyKey the Idempotency-Key it was reserved under (a vendor that deduplicates), or null:
 *     releasing the reservation also forgets the key, so a retry after a release is priced again
 * @param id the id this node chose for the reservation (sql/V11), by which its settle or release is
 *     idempotent
 * @param drawn for a call admitted from an escrow lease, the drawn money it holds (it has no row
 *     until it ends); null for a reservation of its own
 */
public record Reservation(String keyId, LocalDate day, BigDecimal estimateUsd, String runId, String agent, boolean replay,
                          String idempotencyKey, String id, ReservationEnd.Drawn drawn) {

    /** No money held: a call that moves none. */
    public static final Reservation NONE = new Reservation(null, null, null, null, null, false, null, null, null);

    public boolean holdsMoney() {
        return keyId != null && !replay;
    }
}
