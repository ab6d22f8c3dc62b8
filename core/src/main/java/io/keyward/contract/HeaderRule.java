package io.keyward.contract;

import java.util.regex.Pattern;

/**
 * One request header a vendor acts on and may receive from an agent.
 *
 * @param name the header's name as the vendor documents it
 * @param maxLength the longest value the vendor accepts; longer is refused before anything is sent
 * @param shape the value's form, or null for any printable text
 * @param policyField when not null, the header redirects the call (another account, another
 *     context): it passes only if the key's policy has a rule of this name that allows the value
 * @param changesMeaning whether the same parameters mean another request under another value of this
 *     header ({@code Stripe-Version}, {@code Stripe-Account}): it is part of what an idempotent retry
 *     must repeat exactly
 */
public record HeaderRule(String name, int maxLength, Pattern shape, String policyField, boolean changesMeaning) {

    /** A header passed on as it is, up to {@code maxLength} characters. */
    public static HeaderRule plain(String name, int maxLength) {
        return new HeaderRule(name, maxLength, null, null, false);
    }

    public boolean admits(String value) {
        return value.length() <= maxLength && (shape == null || shape.matcher(value).matches());
    }
}
