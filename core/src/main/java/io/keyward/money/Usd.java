package io.keyward.money;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * US dollar amounts as they travel in JSON: decimal strings such as {@code "50.00"}, never floats,
 * at most six decimal places (the precision of the {@code DECIMAL(18,6)} columns).
 */
public final class Usd {
    /** Decimal places of every stored amount. */
    public static final int SCALE = 6;
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,6})?");

    private Usd() {
    }

    /** @throws IllegalArgumentException with a message for the user when the text is not a non-negative amount */
    public static BigDecimal parse(String text) {
        if (text == null || text.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException("must be a decimal string of US dollars such as \"50.00\" (at most 6 decimals)");
        }
        return new BigDecimal(text);
    }

    /** {@code 50.000000} prints as {@code "50.00"}; significant sub-cent digits are kept. */
    public static String format(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.setScale(Math.max(2, stripped.scale())).toPlainString();
    }
}
