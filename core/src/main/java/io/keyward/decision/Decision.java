package io.keyward.decision;

/**
 * What the policy step decided about a call it lets through: the rule that decided, and, for a key
 * whose policy is in shadow mode, the refusal the policy would have answered with had it been
 * enforced. A call the policy refuses outright never gets a Decision: it is a {@link Refusal}.
 *
 * @param rule the label of the allow entry that admits the call, or, when {@code shadowed}, the
 *     policy rule that would have refused it (the audit row's {@code rule} either way)
 * @param shadowed the code an enforced policy would have refused with, or null when the policy
 *     allows the call (the audit row's {@code shadow_result})
 * @param approvalAboveUsd the allowing entry's {@code approval_above_usd} (for a shadowed call, the
 *     policy's strictest): a call costing more needs an operator's approval of the exact request;
 *     null when none is asked
 */
public record Decision(String rule, Code shadowed, java.math.BigDecimal approvalAboveUsd) {

    public static Decision allowedBy(String rule) {
        return allowedBy(rule, null);
    }

    public static Decision allowedBy(String rule, java.math.BigDecimal approvalAboveUsd) {
        return new Decision(rule, null, approvalAboveUsd);
    }

    /** A shadow policy's refusal, recorded and not enforced. */
    public static Decision shadowOf(Refusal wouldRefuse) {
        return shadowOf(wouldRefuse, null);
    }

    /** @param approvalAboveUsd what the call still needs approval above (the policy's strictest threshold), or null */
    public static Decision shadowOf(Refusal wouldRefuse, java.math.BigDecimal approvalAboveUsd) {
        return new Decision(wouldRefuse.rule(), wouldRefuse.code(), approvalAboveUsd);
    }

    public boolean isShadowed() {
        return shadowed != null;
    }
}
