package io.keyward.store;

import java.math.BigDecimal;
import java.time.LocalDate;

/** A {@code spend_reservations} row as the settle reads it: what it holds on which budgets, and whether it still holds it. */
public record HeldReservation(String id, String keyId, LocalDate day, String runId, String agent, BigDecimal amountUsd,
                              String idempotencyKey, String state) {
    boolean held() {
        return state.equals("held");
    }
}
