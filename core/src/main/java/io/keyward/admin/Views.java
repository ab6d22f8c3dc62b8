package io.keyward.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.key.VaultKey;
import io.keyward.money.Usd;
import io.keyward.policy.PolicyMode;
import io.keyward.store.CallRow;
import java.time.Instant;

/**
 * The admin API's JSON for keys and calls. Written field by field: this is the contract scripts
 * rely on, so no field appears or disappears because a Java class changed. A key's hash is never
 * part of it.
 */
final class Views {
    private Views() {
    }

    static ObjectNode key(VaultKey k) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", k.id());
        o.put("vendor", k.vendor());
        o.put("agent_name", k.agentName());
        o.put("agent_run_id", k.agentRunId());
        o.put("state", k.state().wire());
        o.put("expires_at", time(k.expiresAt()));
        o.put("created_at", time(k.createdAt()));
        o.put("revoked_at", time(k.revokedAt()));
        o.put("revoked_reason", k.revokedReason());
        o.put("daily_usd_cap", Usd.format(k.dailyUsdCap()));
        o.put("run_usd_cap", Usd.format(k.runUsdCap()));
        o.set("policy", policy(k.policy()));
        o.set("metadata", Json.tree(k.metadata()));
        return o;
    }

    static ObjectNode call(CallRow c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("ts", time(c.ts()));
        o.put("request_id", c.requestId());
        o.put("key_id", c.keyId());
        o.put("agent_name", c.agentName());
        o.put("agent_run_id", c.agentRunId());
        o.put("vendor", c.vendor());
        o.put("method", c.method());
        o.put("operation", c.operation());
        o.put("endpoint", c.endpoint());
        o.put("path", c.path());
        o.put("policy_check_result", c.policyCheckResult());
        o.put("rule", c.rule());
        o.put("reason", c.reason());
        o.put("estimated_usd", Usd.format(c.estimatedUsd()));
        o.put("amount_usd", Usd.format(c.amountUsd()));
        o.put("upstream_status", c.upstreamStatus());
        o.put("upstream_request_id", c.upstreamRequestId());
        o.put("idempotency_key", c.idempotencyKey());
        o.put("latency_us", c.latencyUs());
        o.put("upstream_latency_us", c.upstreamLatencyUs());
        o.put("node_id", c.nodeId());
        o.set("metadata", Json.tree(c.metadata()));
        o.put("shadow_result", c.shadowResult());
        return o;
    }

    /**
     * The policy as issued, with its mode always spelled out: a policy issued without one (every
     * policy from before modes existed) is enforced, and the answer says so.
     */
    private static com.fasterxml.jackson.databind.JsonNode policy(String stored) {
        com.fasterxml.jackson.databind.JsonNode tree = Json.tree(stored);
        if (tree instanceof ObjectNode object && !object.has(PolicyMode.FIELD)) {
            ObjectNode withMode = Json.MAPPER.createObjectNode();
            withMode.put(PolicyMode.FIELD, PolicyMode.ENFORCE.wire());
            withMode.setAll(object);
            return withMode;
        }
        return tree;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
