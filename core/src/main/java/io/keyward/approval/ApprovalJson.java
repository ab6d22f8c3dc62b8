package io.keyward.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.money.Usd;
import io.keyward.store.ApprovalRow;
import java.time.Instant;

/** An approval as the admin API and the webhook show it: never the request's hash, never a secret. */
public final class ApprovalJson {
    private ApprovalJson() {
    }

    public static ObjectNode of(ApprovalRow a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", a.id());
        o.put("state", a.state());
        o.put("key_id", a.keyId());
        o.put("agent_name", a.agentName());
        o.put("agent_run_id", a.agentRunId());
        o.put("vendor", a.vendor());
        o.put("operation", a.operation());
        o.put("method", a.method());
        o.put("path", a.path());
        o.put("rule", a.rule());
        o.put("estimated_usd", a.estimatedUsd() == null ? null : Usd.format(a.estimatedUsd()));
        o.put("threshold_usd", Usd.format(a.thresholdUsd()));
        o.put("idempotency_key", a.idempotencyKey());
        o.set("params", a.requestParams() == null ? null : Json.tree(a.requestParams()));
        o.put("created_at", time(a.createdAt()));
        o.put("request_id", a.createdRequestId());
        o.put("decided_at", time(a.decidedAt()));
        o.put("decided_by", a.decidedBy());
        o.put("reason", a.reason());
        o.put("expires_at", time(a.expiresAt()));
        o.put("used_at", time(a.usedAt()));
        o.put("used_request_id", a.usedRequestId());
        return o;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
