package io.keyward.spend;

import java.math.BigDecimal;

/**
 * How a reservation ended, for the audit row.
 *
 * @param spentUsd what was counted as spent; null when released or nothing was held
 * @param note why, when it is worth a line in the audit row (money kept because the vendor may have acted)
 */
public record Settlement(BigDecimal spentUsd, String note) {
    static final Settlement NOTHING = new Settlement(null, null);
    static final String KEPT = "the vendor may have acted: reservation kept";
}
