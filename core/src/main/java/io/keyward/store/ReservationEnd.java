package io.keyward.store;

import java.math.BigDecimal;

/**
 * How one reservation ends: settled with what was spent, or released (nothing spent, and its
 * Idempotency-Key forgotten so a retry is priced again). Idempotent by {@code reservationId}.
 */
public record ReservationEnd(String reservationId, BigDecimal spentUsd, boolean released) {
    public static ReservationEnd settled(String reservationId, BigDecimal spentUsd) {
        return new ReservationEnd(reservationId, spentUsd, false);
    }

    public static ReservationEnd released(String reservationId) {
        return new ReservationEnd(reservationId, BigDecimal.ZERO, true);
    }
}
