package io.keyward.spend;

import java.math.BigDecimal;
import java.time.Instant;

/** What a key may still spend today as this node last saw it, and when its daily budget resets. */
public record Budget(BigDecimal remainingUsd, Instant resetsAt) {
}
