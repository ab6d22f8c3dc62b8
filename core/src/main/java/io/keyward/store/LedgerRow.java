package io.keyward.store;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One budget's row: its cap and what is spent and reserved against it. */
public record LedgerRow(String scope, String scopeId, LocalDate day, BigDecimal capUsd, BigDecimal spentUsd, BigDecimal reservedUsd) {
}
