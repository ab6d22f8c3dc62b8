package io.keyward.decision;

/**
 * The stable result code of one proxied call. The same string is the audit column
 * {@code policy_check_result} and the {@code code} of the JSON error body, so scripts and DBAs
 * can rely on it; never rename a constant.
 */
public enum Code {
    ALLOWED(200),
    DENIED_UNKNOWN_KEY(401),
    DENIED_REVOKED(401),
    DENIED_EXPIRED(401),
    DENIED_VENDOR(403),
    DENIED_OPERATION(403),
    DENIED_PARAMETER(403),
    /** The call costs more than its allow entry's {@code approval_above_usd} and no approval of it is ready. */
    APPROVAL_REQUIRED(403),
    DENIED_SPEND_CAP(429),
    DENIED_RATE_LIMIT(429),
    DENIED_LOOP(429),
    DENIED_MALFORMED(400),
    DENIED_TOO_LARGE(413),
    ERROR_UPSTREAM(502),
    ERROR_UNAVAILABLE(503);

    private final int httpStatus;

    Code(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The status Keyward answers with when it stops a call with this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The wire form: {@code denied_spend_cap}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
