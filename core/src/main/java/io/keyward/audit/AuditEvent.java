package io.keyward.audit;

import io.keyward.decision.Code;
import io.keyward.decision.Decision;
import io.keyward.decision.Refusal;
import io.keyward.forward.ForwardResult;
import io.keyward.key.VaultKey;
import io.keyward.key.VaultKeyFormat;
import io.keyward.request.CallRequest;
import io.keyward.secret.SecretRedactor;
import io.keyward.spend.Reservation;
import io.keyward.spend.Settlement;
import io.keyward.store.CallRow;
import java.time.Instant;

/**
 * Collects what one call did as it passes the steps, then becomes one {@link CallRow}. Each call
 * has its own event on its own thread, so it is filled in place rather than rebuilt per step.
 */
public final class AuditEvent {
    private static final int MAX_PATH = 2048;
    private static final int MAX_TEXT = 500;

    private final Instant ts;
    private final long startNanos;
    private final String requestId;
    private final String method;
    private String path;
    private String vendor;
    private VaultKey key;
    private String idempotencyKey;
    private String operation;
    private String pathTemplate;
    private Code result = Code.ALLOWED;
    private String rule;
    private Code shadowResult;
    private String reason;
    private ForwardResult forwarded;
    private java.math.BigDecimal estimatedUsd;
    private java.math.BigDecimal amountUsd;
    private boolean recorded = true;

    public AuditEvent(String requestId, String method, String path) {
        this.ts = Instant.now();
        this.startNanos = System.nanoTime();
        this.requestId = requestId;
        this.method = method;
        this.path = path;
    }

    public void vendor(String vendorName) {
        this.vendor = vendorName;
    }

    public void key(VaultKey vaultKey) {
        this.key = vaultKey;
    }

    /** The path as forwarded (account segment rewritten), replacing the agent's. */
    public void forwardedPath(String upstreamPath) {
        this.path = upstreamPath;
    }

    /** What the request step read: the operation, its path template and the idempotency key. */
    public void call(CallRequest call) {
        this.idempotencyKey = call.idempotencyKey();
        if (call.operation() != null) {
            this.operation = call.operation().name();
            this.pathTemplate = call.operation().path().toString();
        }
    }

    /** The policy step's decision: the entry that allowed the call, or what a shadow policy would have refused. */
    public void decided(Decision decision) {
        this.rule = decision.rule();
        this.shadowResult = decision.shadowed();
    }

    /** The money held before forwarding; an idempotent retry holds none and says so. */
    public void reserved(Reservation reservation) {
        this.estimatedUsd = reservation.estimateUsd();
        if (reservation.replay()) {
            this.estimatedUsd = null;
            this.reason = "idempotent retry: the first call's reservation stands";
        }
    }

    /** What was counted as spent (null when released or nothing was held), and why when it is notable. */
    public void settled(Settlement settlement) {
        this.amountUsd = settlement.spentUsd();
        if (settlement.note() != null) {
            // Keep a broken-off answer on record next to what it meant for the money.
            this.reason = this.reason == null || forwarded == null || forwarded.complete()
                    ? settlement.note() : this.reason + "; " + settlement.note();
        }
    }

    public void refused(Refusal refusal) {
        this.result = refusal.code();
        this.rule = refusal.rule();
        this.reason = refusal.getMessage();
        // A shadow policy's verdict describes calls it let through; one a later step refused (a cap,
        // a guard) is recorded as that refusal alone, so shadow_result never sits beside another rule.
        this.shadowResult = null;
    }

    /** Replaces the refusal's reason (a refusal recorded on behalf of several). */
    public void reason(String text) {
        this.reason = text;
    }

    /** This call is not written down one by one: an aggregated row stands for it. */
    public void unrecorded() {
        this.recorded = false;
    }

    public boolean recorded() {
        return recorded;
    }

    public void forwarded(ForwardResult result) {
        this.forwarded = result;
        if (!result.complete()) {
            this.reason = "vendor response broke off after the status was sent";
        }
    }

    /** Microseconds spent with the vendor (sending, waiting, streaming its answer back), 0 if not forwarded. */
    public long upstreamMicros() {
        return forwarded == null ? 0 : forwarded.upstreamMicros();
    }

    public String requestId() {
        return requestId;
    }

    /** The vendor the call was routed to, or null when it was refused before routing by its key. */
    public String vendorName() {
        return vendor;
    }

    /** The catalog operation the call matched, or null. */
    public String operationName() {
        return operation;
    }

    public Code result() {
        return result;
    }

    /** What a shadow policy would have refused the call with, or null. */
    public Code shadowResult() {
        return shadowResult;
    }

    /** The money reserved before forwarding, or null when none was. */
    public java.math.BigDecimal reservedUsd() {
        return estimatedUsd;
    }

    /** The money counted as spent at settle, or null. */
    public java.math.BigDecimal spentUsd() {
        return amountUsd;
    }

    /** Whether the call reached the vendor and got an answer (its status at least). */
    public boolean wasForwarded() {
        return forwarded != null;
    }

    /**
     * The row to write. Whatever the agent chose (path, idempotency key, and reasons that quote them)
     * passes the redactor and loses any vault key (its id stays), so neither a vendor secret nor a
     * vault key an agent put in a URL reaches the audit trail or a SQL log line.
     */
    public CallRow toRow(String nodeId, SecretRedactor redactor) {
        long latencyUs = (System.nanoTime() - startNanos) / 1_000;
        return new CallRow(null, ts, requestId, key == null ? null : key.id(),
                key == null ? null : key.agentName(), key == null ? null : key.agentRunId(),
                vendor, method, operation, pathTemplate, cut(scrub(path, redactor), MAX_PATH), result.wire(), cut(scrub(rule, redactor), MAX_TEXT),
                cut(scrub(reason, redactor), MAX_TEXT),
                estimatedUsd, amountUsd,
                forwarded == null ? null : forwarded.status(),
                forwarded == null ? null : cut(scrub(forwarded.upstreamRequestId(), redactor), 200),
                idempotencyKey == null ? null : cut(scrub(idempotencyKey, redactor), 255), latencyUs,
                forwarded == null ? null : forwarded.upstreamMicros(), nodeId, key == null ? null : AuditMetadata.of(key),
                shadowResult == null ? null : shadowResult.wire());
    }

    private static String scrub(String text, SecretRedactor redactor) {
        return text == null ? null : VaultKeyFormat.scrub(redactor.redact(text));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
