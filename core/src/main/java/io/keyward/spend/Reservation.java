package io.keyward.spend;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * Money held for one call until the vendor answers.
 *
 * @param replay a retry with an Idempotency-Key already reserved: nothing new was held, nothing settles
 * @param runId the run budget it is also held on, or null
 * @param agent the agent budget it is also held on, or null
 */
public record Reservation(String keyId, LocalDate day, BigDecimal estimateUsd, String runId, String agent, boolean replay) {

    /** No money held: a call that moves none. */
    public static final Reservation NONE = new Reservation(null, null, null, null, null, false);

    public boolean holdsMoney() {
        return keyId != null && !replay;
    }
}
