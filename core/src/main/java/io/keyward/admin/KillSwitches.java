package io.keyward.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.key.VaultKeyFormat;
import io.keyward.store.AdminEvent;
import io.keyward.store.VaultKeyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kill switches: revoke every live key of one scope (a key, an agent, a run, a vendor, or all),
 * and for a vendor or everything also stop all calls until the switch is lifted. Each takes effect
 * on the next call on every node: keys are read from the database on every call, and the spend
 * reservation itself refuses revoked keys and switched-off vendors.
 */
final class KillSwitches {
    static final Set<String> REVOKE_FIELDS = Set.of("key_id", "agent_name", "agent_run_id", "vendor", "all", "reason");
    static final Set<String> UNFREEZE_FIELDS = Set.of("vendor", "all", "reason");
    static final Set<String> END_RUN_FIELDS = Set.of("reason");
    private static final int MAX_REASON = 500;

    private final VaultKeyRepository keys;
    private final Set<String> vendors;

    KillSwitches(VaultKeyRepository keys, Set<String> vendors) {
        this.keys = keys;
        this.vendors = Set.copyOf(vendors);
    }

    /** The outcome of one admin action, and its admin_events row. */
    record Outcome(ObjectNode body, AdminEvent event) {
    }

    Outcome revoke(JsonInput in, String adminId, String requestId) {
        List<String> scopes = new ArrayList<>();
        for (String field : List.of("key_id", "agent_name", "agent_run_id", "vendor")) {
            if (in.text(field) != null) {
                scopes.add(field);
            }
        }
        boolean all = in.flag("all");
        if (all) {
            scopes.add("all");
        }
        if (scopes.size() != 1) {
            throw new AdminInputException("scope", "give exactly one of key_id, agent_name, agent_run_id, vendor, or \"all\": true");
        }
        String scope = scopes.get(0);
        String reason = reason(in);
        String target = all ? "*" : in.text(scope);
        int revoked;
        switch (scope) {
            case "key_id" -> {
                if (!VaultKeyFormat.isKeyId(target)) {
                    throw new AdminInputException("key_id", "is not a key id (16 lower-case letters and digits)");
                }
                revoked = keys.revoke(target, reason) ? 1 : 0;
            }
            case "agent_name" -> revoked = keys.revokeAll(KeyAdmin.checkedName(scope, target), null, null, false, reason);
            case "agent_run_id" -> revoked = keys.revokeAll(null, KeyAdmin.checkedName(scope, target), null, false, reason);
            case "vendor" -> {
                if (!vendors.contains(target)) {
                    throw new AdminInputException("vendor", "unknown vendor");
                }
                revoked = keys.revokeAll(null, null, target, false, reason);
            }
            default -> revoked = keys.revokeAll(null, null, null, true, reason);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("revoked", revoked);
        body.put("kill_switch", scope.equals("vendor") ? "vendor:" + target : all ? "all" : null);
        String eventScope = switch (scope) {
            case "key_id" -> "key";
            case "agent_name" -> "agent";
            case "agent_run_id" -> "run";
            default -> scope;
        };
        return new Outcome(body, new AdminEvent(adminId, "revoke", eventScope, target, reason, revoked, requestId));
    }

    Outcome unfreeze(JsonInput in, String adminId, String requestId) {
        String vendor = in.text("vendor");
        boolean all = in.flag("all");
        if ((vendor == null) == !all) {
            throw new AdminInputException("scope", "give exactly one of vendor, or \"all\": true");
        }
        if (vendor != null && !vendors.contains(vendor)) {
            throw new AdminInputException("vendor", "unknown vendor");
        }
        int lifted = keys.unfreeze(vendor);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("unfrozen", lifted);
        return new Outcome(body, new AdminEvent(adminId, "unfreeze", all ? "all" : "vendor", all ? "*" : vendor,
                reason(in), lifted, requestId));
    }

    Outcome endRun(String runId, JsonInput in, String adminId, String requestId) {
        KeyAdmin.checkedName("agent_run_id", runId);
        String reason = reason(in);
        int revoked = keys.revokeAll(null, runId, null, false, reason);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("revoked", revoked);
        return new Outcome(body, new AdminEvent(adminId, "end_run", "run", runId, reason, revoked, requestId));
    }

    private static String reason(JsonInput in) {
        String reason = in.text("reason");
        if (reason != null && reason.length() > MAX_REASON) {
            throw new AdminInputException("reason", "must be at most " + MAX_REASON + " characters");
        }
        return reason == null || reason.isBlank() ? "kill switch" : reason.strip();
    }
}
