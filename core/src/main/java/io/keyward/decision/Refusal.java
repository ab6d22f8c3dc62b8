package io.keyward.decision;

/**
 * Thrown by a step of the call to answer early: the call goes no further, the agent gets the JSON
 * error shape with {@link #status()}, and the audit row records {@link #code()} and {@link #rule()}.
 *
 * <p>Messages are written for the agent's operator: they never carry a secret or a presented key.
 * No stack trace is filled in, because a refusal is an expected outcome, not a fault.
 */
public final class Refusal extends RuntimeException {
    private final Code code;
    private final int status;
    private final String rule;
    private final Long retryAfterSeconds;
    /** Extra fields of the error object the agent can act on ({@code approval_id}); never a secret. */
    private final java.util.Map<String, String> details;

    public Refusal(Code code, String message) {
        this(code, code.httpStatus(), message, null);
    }

    public Refusal(Code code, int status, String message, String rule) {
        this(code, status, message, rule, null);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After}, or null */
    public Refusal(Code code, int status, String message, String rule, Long retryAfterSeconds) {
        this(code, status, message, rule, retryAfterSeconds, java.util.Map.of());
    }

    private Refusal(Code code, int status, String message, String rule, Long retryAfterSeconds, java.util.Map<String, String> details) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.rule = rule;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = details;
    }

    /** This refusal with one more field in the error object, such as {@code approval_id}. */
    public Refusal with(String field, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(details);
        more.put(field, value);
        return new Refusal(code, status, getMessage(), rule, retryAfterSeconds, java.util.Collections.unmodifiableMap(more));
    }

    public java.util.Map<String, String> details() {
        return details;
    }

    /** Seconds after which trying again can succeed, or null when waiting will not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** A kill switch stops every call of a vendor, or all calls, whatever the key's own state. */
    public static Refusal killSwitch(String vendor) {
        return new Refusal(Code.DENIED_REVOKED, 401, "calls to " + vendor + " are stopped by a kill switch", "kill_switch");
    }

    public Code code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The policy rule that stopped the call, or null. */
    public String rule() {
        return rule;
    }
}
