package io.keyward.decision;

import java.util.Map;

/**
 * The numeric form of each error code, for the SDKs that read a number: twilio-java, twilio-node
 * and twilio-python take the body's {@code code} as an integer and drop a string there. A number is
 * the status x 100 plus the code's own sequence, so it is unique and still says the status
 * (a malformed call is 40001, or 40501 for a method no vendor uses). Documented in docs/errors.md;
 * never change a sequence.
 */
final class ErrorNumbers {
    private static final int UNLISTED = 99;
    private static final Map<String, Integer> SEQUENCE = Map.ofEntries(
            Map.entry("invalid_request", 0),
            Map.entry("unauthorized", 0),
            Map.entry("denied_scope", 0),
            Map.entry("conflict", 0),
            Map.entry("not_found", 1),
            Map.entry(Code.DENIED_MALFORMED.wire(), 1),
            Map.entry(Code.DENIED_UNKNOWN_KEY.wire(), 1),
            Map.entry(Code.DENIED_REVOKED.wire(), 2),
            Map.entry(Code.DENIED_EXPIRED.wire(), 3),
            Map.entry(Code.DENIED_VENDOR.wire(), 1),
            Map.entry(Code.DENIED_OPERATION.wire(), 2),
            Map.entry(Code.DENIED_PARAMETER.wire(), 3),
            Map.entry(Code.APPROVAL_REQUIRED.wire(), 5),
            Map.entry(Code.DENIED_SPEND_CAP.wire(), 4),
            Map.entry(Code.DENIED_TOO_LARGE.wire(), 1),
            Map.entry(Code.DENIED_RATE_LIMIT.wire(), 2),
            Map.entry(Code.DENIED_LOOP.wire(), 3),
            Map.entry(Code.ERROR_UPSTREAM.wire(), 1),
            Map.entry(Code.ERROR_UNAVAILABLE.wire(), 2));

    private ErrorNumbers() {
    }

    static int of(String code, int status) {
        return status * 100 + SEQUENCE.getOrDefault(code, UNLISTED);
    }
}
