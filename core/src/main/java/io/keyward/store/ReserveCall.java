package io.keyward.store;

import java.math.BigDecimal;

/** The arguments of {@code keyward_reserve}: the amount, the key's cap, and the run and agent budgets that apply (null when none). */
public record ReserveCall(String keyId, BigDecimal amount, BigDecimal keyCap, String idempotencyKey, byte[] requestHash,
                          String runId, BigDecimal runCap, String agent, BigDecimal agentCap) {
}
