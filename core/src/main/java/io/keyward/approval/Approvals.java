package io.keyward.approval;

import io.keyward.config.ApprovalsConfig;
import io.keyward.contract.Estimate;
import io.keyward.decision.Code;
import io.keyward.decision.Decision;
import io.keyward.decision.Refusal;
import io.keyward.key.VaultKey;
import io.keyward.key.VaultKeyFormat;
import io.keyward.money.Usd;
import io.keyward.request.CallFingerprint;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import io.keyward.secret.SecretRedactor;
import io.keyward.store.ApprovalRepository;
import io.keyward.store.ApprovalRow;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The approval step, between the policy and the spend cap: a call its allow entry admits that would
 * cost more than the entry's {@code approval_above_usd} goes on only on an operator's approval of
 * this exact request (its fingerprint and Idempotency-Key), once. Without one it is refused
 * {@code 403 approval_required} before any money is reserved, and a pending approval is made (or
 * the one already waiting for the same request is named) for the operator to decide.
 */
public final class Approvals {
    private static final int MAX_TEXT = 2048;
    private static final int MAX_PARAMS = 100;
    private static final int MAX_VALUE = 200;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private final ApprovalRepository store;
    private final ApprovalsConfig config;
    private final ApprovalWebhook webhook;
    private final SecretRedactor redactor;
    private final SecureRandom random = new SecureRandom();

    public Approvals(ApprovalRepository store, ApprovalsConfig config, SecretRedactor redactor) {
        this.store = store;
        this.config = config;
        this.redactor = redactor;
        this.webhook = config.webhookUrl() == null ? null : new ApprovalWebhook(config.webhookUrl());
    }

    /**
     * @return the approval the call rides on, taken for it alone, or {@link Approval#NONE} when it needs none
     * @throws Refusal {@code approval_required} with {@code approval_id}, or {@code denied_rate_limit}
     *     when the key already has {@code approvals.max_pending_per_key} waiting
     */
    public Approval admit(VaultKey key, Route route, CallRequest call, Decision decision, String requestId) {
        BigDecimal threshold = decision.approvalAboveUsd();
        if (threshold == null || call.operation() == null || !call.operation().moneyMoving()) {
            return Approval.NONE;
        }
        Estimate estimate = route.vendor().costs().estimate(call.operation(), call.params());
        // A cost that cannot be read from the request is not known to be under the threshold.
        if (estimate.known() && estimate.usd().compareTo(threshold) <= 0) {
            return Approval.NONE;
        }
        byte[] request = CallFingerprint.sha256WithIdempotencyKey(route.vendor(), call);
        List<ApprovalRow> open = store.open(key.id(), request, config.validFor());
        for (ApprovalRow row : open) {
            if (row.state().equals(ApprovalRow.APPROVED) && store.use(row.id(), requestId)) {
                return new Approval(store, row.id(), requestId);
            }
        }
        Optional<ApprovalRow> denied = open.stream().filter(row -> row.state().equals(ApprovalRow.DENIED)).findFirst();
        if (denied.isPresent()) {
            // A denial stands for as long as an approval would have: asking again at once would only
            // put the same request back in front of the operator until someone clicks the wrong button.
            throw new Refusal(Code.APPROVAL_REQUIRED, 403, "an operator denied this exact request (approval " + denied.get().id()
                    + "); it cannot be asked for again before " + denied.get().decidedAt().plus(config.validFor()),
                    decision.rule() + ".approval_denied").with("approval_id", denied.get().id());
        }
        Optional<ApprovalRow> waiting = open.stream().filter(row -> row.state().equals(ApprovalRow.PENDING)).findFirst();
        String id = waiting.map(ApprovalRow::id).orElseGet(() -> ask(key, route, call, decision, estimate, request, requestId));
        String cost = estimate.known() ? "$" + Usd.format(estimate.usd()) : "of a cost that cannot be read from the request";
        throw new Refusal(Code.APPROVAL_REQUIRED, 403, "this call (" + cost + ") is above the $" + Usd.format(threshold)
                + " its policy entry allows without approval: approval " + id + " waits for an operator, and once it is"
                + " approved this exact request (with the same Idempotency-Key) passes once",
                decision.rule() + ".approval_above_usd").with("approval_id", id);
    }

    private String ask(VaultKey key, Route route, CallRequest call, Decision decision, Estimate estimate, byte[] request,
                       String requestId) {
        ApprovalRow row = new ApprovalRow(newId(), key.id(), key.agentName(), key.agentRunId(), route.vendor().name(),
                call.operation().name(), call.method(), text(route.vendorPath(), MAX_TEXT), decision.rule(),
                estimate.known() ? estimate.usd() : null, decision.approvalAboveUsd(), request,
                text(call.idempotencyKey(), 255), requestParams(route, call), ApprovalRow.PENDING, null, requestId,
                null, null, null, null, null, null);
        switch (store.ask(row, config.maxPendingPerKey())) {
            case TOO_MANY_WAITING -> throw new Refusal(Code.DENIED_RATE_LIMIT, 429, "vault key " + key.id() + " already has "
                    + config.maxPendingPerKey() + " approvals waiting; an operator must decide those first", "approvals.max_pending_per_key");
            case ALREADY_WAITING -> {
                // A copy of this call, sent at the same moment, made the pending approval first: name that one.
                return store.open(key.id(), request, config.validFor()).stream().filter(open -> open.state().equals(ApprovalRow.PENDING))
                        .map(ApprovalRow::id).findFirst()
                        .orElseThrow(() -> new IllegalStateException("the pending approval of this request was decided meanwhile"));
            }
            case MADE -> {
            }
        }
        if (webhook != null) {
            store.byId(row.id()).ifPresent(webhook::announce);
        }
        return row.id();
    }

    /** Decides a pending approval; @return false when it was no longer pending. */
    public boolean decide(String id, boolean approve, String decidedBy, String reason) {
        return store.decide(id, approve ? ApprovalRow.APPROVED : ApprovalRow.DENIED, decidedBy, reason,
                approve ? config.validFor() : null);
    }

    /**
     * What the operator approves, shown beside the approval: every parameter of the one reading
     * (name as the vendor reads it, value) and each header that changes what they mean, as JSON.
     * Two requests that differ only in a destination must not look alike to the person saying yes.
     */
    private String requestParams(Route route, CallRequest call) {
        com.fasterxml.jackson.databind.node.ObjectNode shown = io.keyward.json.Json.MAPPER.createObjectNode();
        for (io.keyward.contract.Param p : call.params().all()) {
            if (p.source() != io.keyward.contract.Param.Source.PATH && shown.size() < MAX_PARAMS) {
                shown.put(text(p.name().toString(), MAX_VALUE), p.value() == null ? null : text(p.value(), MAX_VALUE));
            }
        }
        for (io.keyward.contract.HeaderRule header : route.vendor().headers().meaningful()) {
            call.header(header.name()).ifPresent(value -> shown.put(header.name() + ":", text(value, MAX_VALUE)));
        }
        return shown.toString();
    }

    /** Agent-chosen text as the operator will see it: no vault key, no vendor secret, bounded. */
    private String text(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = VaultKeyFormat.scrub(redactor.redact(value));
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    private String newId() {
        char[] id = new char[22];
        for (int i = 0; i < id.length; i++) {
            id[i] = BASE62[random.nextInt(BASE62.length)];
        }
        return "apr_" + new String(id);
    }

    public void close() {
        if (webhook != null) {
            webhook.close();
        }
    }
}
