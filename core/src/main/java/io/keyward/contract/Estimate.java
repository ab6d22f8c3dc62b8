package io.keyward.contract;

import java.math.BigDecimal;

/**
 * A call's cost in US dollars, read from the request before it is sent.
 *
 * @param usd the cost, or null when the request does not say (a refund without an amount, a price id)
 * @param basis how it was worked out, for the audit row when it could not be
 */
public record Estimate(BigDecimal usd, String basis) {

    public static Estimate of(BigDecimal usd) {
        return new Estimate(usd, null);
    }

    public static Estimate unknown(String why) {
        return new Estimate(null, why);
    }

    public boolean known() {
        return usd != null;
    }
}
