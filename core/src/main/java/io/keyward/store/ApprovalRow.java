package io.keyward.store;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of {@code approvals}: a call that needed an operator's yes, the exact request it was for
 * ({@code requestHash}, {@code idempotencyKey}), and what became of it.
 */
public record ApprovalRow(String id, String keyId, String agentName, String agentRunId, String vendor, String operation,
                          String method, String path, String rule, BigDecimal estimatedUsd, BigDecimal thresholdUsd,
                          byte[] requestHash, String idempotencyKey, String requestParams, String state, Instant createdAt, String createdRequestId,
                          Instant decidedAt, String decidedBy, String reason, Instant expiresAt, Instant usedAt,
                          String usedRequestId) {
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String USED = "used";
}
