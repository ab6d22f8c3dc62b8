package io.keyward.decision;

import java.util.Map;

/**
 * The numeric form of each error code, for the SDKs that read a number: twilio-java, twilio-node
 * and twilio-python take the body's {@code code} as an integer and drop a string there. The
 * numbers are status x 100 + a sequence, documented in docs/errors.md; never renumber one.
 */
final class ErrorNumbers {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("invalid_request", 40000),
            Map.entry(Code.DENIED_MALFORMED.wire(), 40001),
            Map.entry("unauthorized", 40100),
            Map.entry(Code.DENIED_UNKNOWN_KEY.wire(), 40101),
            Map.entry(Code.DENIED_REVOKED.wire(), 40102),
            Map.entry(Code.DENIED_EXPIRED.wire(), 40103),
            Map.entry("denied_scope", 40300),
            Map.entry(Code.DENIED_VENDOR.wire(), 40301),
            Map.entry(Code.DENIED_OPERATION.wire(), 40302),
            Map.entry(Code.DENIED_PARAMETER.wire(), 40303),
            Map.entry(Code.DENIED_SPEND_CAP.wire(), 40304),
            Map.entry("not_found", 40401),
            Map.entry("conflict", 40901),
            Map.entry(Code.DENIED_TOO_LARGE.wire(), 41301),
            Map.entry(Code.DENIED_RATE_LIMIT.wire(), 42902),
            Map.entry(Code.DENIED_LOOP.wire(), 42903),
            Map.entry(Code.ERROR_UPSTREAM.wire(), 50201),
            Map.entry(Code.ERROR_UNAVAILABLE.wire(), 50301));

    private ErrorNumbers() {
    }

    /** The code's number; a spend cap answered with 429 is 42901, with 403 (no readable cost) 40304. */
    static int of(String code, int status) {
        if (Code.DENIED_SPEND_CAP.wire().equals(code) && status == 429) {
            return 42901;
        }
        return NUMBERS.getOrDefault(code, status * 100);
    }
}
