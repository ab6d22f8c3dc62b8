package io.keyward.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.store.CallRow;
import java.math.BigDecimal;
import java.time.Instant;

/** An audit row as one JSON object, the form the spool and the forward journal keep on disk. */
final class RowJson {
    private RowJson() {
    }

    static ObjectNode toJson(CallRow r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("ts", r.ts().toString());
        o.put("request_id", r.requestId());
        o.put("key_id", r.keyId());
        o.put("agent_name", r.agentName());
        o.put("agent_run_id", r.agentRunId());
        o.put("vendor", r.vendor());
        o.put("method", r.method());
        o.put("operation", r.operation());
        o.put("path_template", r.pathTemplate());
        o.put("path", r.path());
        o.put("policy_check_result", r.policyCheckResult());
        o.put("rule", r.rule());
        o.put("reason", r.reason());
        o.put("estimated_usd", r.estimatedUsd() == null ? null : r.estimatedUsd().toPlainString());
        o.put("amount_usd", r.amountUsd() == null ? null : r.amountUsd().toPlainString());
        o.put("upstream_status", r.upstreamStatus());
        o.put("upstream_request_id", r.upstreamRequestId());
        o.put("idempotency_key", r.idempotencyKey());
        o.put("latency_us", r.latencyUs());
        o.put("upstream_latency_us", r.upstreamLatencyUs());
        o.put("node_id", r.nodeId());
        o.put("metadata", r.metadata());
        o.put("shadow_result", r.shadowResult());
        return o;
    }

    static CallRow fromJson(JsonNode o) {
        return new CallRow(null, Instant.parse(o.get("ts").asText()), text(o, "request_id"), text(o, "key_id"),
                text(o, "agent_name"), text(o, "agent_run_id"), text(o, "vendor"), text(o, "method"), text(o, "operation"),
                text(o, "path_template"), text(o, "path"), text(o, "policy_check_result"), text(o, "rule"), text(o, "reason"),
                decimal(o, "estimated_usd"), decimal(o, "amount_usd"),
                o.path("upstream_status").isNull() || o.path("upstream_status").isMissingNode() ? null : o.get("upstream_status").asInt(),
                text(o, "upstream_request_id"), text(o, "idempotency_key"), number(o, "latency_us"), number(o, "upstream_latency_us"),
                text(o, "node_id"), text(o, "metadata"),
                // Absent in spool lines written before shadow policies: read as null.
                text(o, "shadow_result"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static BigDecimal decimal(JsonNode o, String field) {
        String t = text(o, field);
        return t == null ? null : new BigDecimal(t);
    }

    private static Long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }
}
