package io.keyward.stripe;

import io.keyward.money.Usd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Minor units of a currency to US dollars, with each currency's own exponent and the configured rate. */
final class Money {
    /** Currencies without minor units (Stripe's list). */
    private static final Set<String> ZERO_DECIMAL = Set.of("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
            "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf");
    /** Currencies with three decimals. */
    private static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");

    private final Map<String, BigDecimal> fxUsd;

    Money(Map<String, BigDecimal> fxUsd) {
        this.fxUsd = fxUsd;
    }

    static int exponent(String currency) {
        String c = currency.toLowerCase(Locale.ROOT);
        return ZERO_DECIMAL.contains(c) ? 0 : THREE_DECIMAL.contains(c) ? 3 : 2;
    }

    /** USD for {@code minorUnits} of {@code currency}, rounded up; empty for an unknown currency. */
    Optional<BigDecimal> toUsd(BigDecimal minorUnits, String currency) {
        BigDecimal rate = fxUsd.get(currency.toLowerCase(Locale.ROOT));
        if (rate == null) {
            return Optional.empty();
        }
        return Optional.of(minorUnits.abs().movePointLeft(exponent(currency)).multiply(rate).setScale(Usd.SCALE, RoundingMode.UP));
    }
}
