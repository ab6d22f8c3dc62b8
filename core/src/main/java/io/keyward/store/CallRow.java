package io.keyward.store;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of the {@code calls} audit table. {@code id} is null until the row is written.
 * Never holds a request body or a secret: the path is the forwarded one and the query string is
 * left out.
 *
 * @param shadowResult for a call a shadow policy let through, the code an enforced policy would have
 *     refused it with ({@code denied_operation}, ...); null otherwise
 */
public record CallRow(Long id, Instant ts, String requestId, String keyId, String agentName, String agentRunId,
                      String vendor, String method, String operation, String pathTemplate, String path,
                      String policyCheckResult, String rule, String reason, BigDecimal estimatedUsd,
                      BigDecimal amountUsd, Integer upstreamStatus, String upstreamRequestId, String idempotencyKey,
                      Long latencyUs, Long upstreamLatencyUs, String nodeId, String metadata,
                      String shadowResult) {
    /**
     * The {@code calls.endpoint} column: the matched operation's path template under the name DBAs
     * ask for (a generated column over {@code path_template}, so it is never written twice).
     */
    public String endpoint() {
        return pathTemplate;
    }
}
