package io.keyward.store;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * Moves a reservation out of {@code reserved_usd}: {@code spent} of it (0 on a release) into
 * {@code spent_usd}, on the key's row and on the run and agent rows it was also reserved on.
 */
public record SettleCall(String keyId, LocalDate day, String runId, String agent, BigDecimal reserved, BigDecimal spent) {
}
