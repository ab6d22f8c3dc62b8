package io.keyward.store;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * How one reservation ends: settled with what was spent, or released (nothing spent, and its
 * Idempotency-Key forgotten so a retry is priced again). Idempotent by {@code reservationId}.
 *
 * @param drawn null for a reservation with its own row; for money a node drew from one of its
 *     escrow leases (a call admitted from it, or what was left of a draw when the lease ended),
 *     what that money holds: it has no row until it ends, and ending it writes one, so that a
 *     repeat finds it ended
 */
public record ReservationEnd(String reservationId, BigDecimal spentUsd, boolean released, Drawn drawn) {

    /** Money drawn from a lease: held on the key's row of {@code day} ({@code reserved_usd}) and nowhere else. */
    public record Drawn(String keyId, LocalDate day, BigDecimal reservedUsd) {
    }

    public static ReservationEnd settled(String reservationId, BigDecimal spentUsd) {
        return new ReservationEnd(reservationId, spentUsd, false, null);
    }

    public static ReservationEnd released(String reservationId) {
        return new ReservationEnd(reservationId, BigDecimal.ZERO, true, null);
    }

    /** A call admitted from a lease, settled with what it spent (zero and released when the vendor did not act). */
    public static ReservationEnd drawn(String id, Drawn drawn, BigDecimal spentUsd, boolean released) {
        return new ReservationEnd(id, spentUsd, released, drawn);
    }
}
