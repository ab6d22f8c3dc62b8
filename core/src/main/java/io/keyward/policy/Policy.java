package io.keyward.policy;

import io.keyward.contract.Catalog;
import io.keyward.contract.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A key's compiled policy: the allow entries in order, and the rules for headers that redirect a
 * call ({@code stripe_account}). Anything no entry allows is refused, and a redirecting header
 * without a rule that allows its value is refused.
 *
 * @param headerRules by policy field ({@code stripe_account}), for the vendor headers that name one
 * @param mode whether the policy's refusals are answered or only recorded
 */
public record Policy(List<AllowEntry> entries, Map<String, ParamRule> headerRules, PolicyMode mode) {

    public Policy {
        entries = List.copyOf(entries);
        headerRules = Map.copyOf(headerRules);
    }

    /** The lowest {@code approval_above_usd} of any entry, or null when no entry asks for approvals. */
    public java.math.BigDecimal strictestApprovalAboveUsd() {
        return entries.stream().map(AllowEntry::approvalAboveUsd).filter(java.util.Objects::nonNull)
                .min(java.math.BigDecimal::compareTo).orElse(null);
    }

    /** What a key issued without a policy may do: the vendor's read-only operations, nothing else. */
    static Policy readOnly(Catalog catalog) {
        List<AllowEntry> entries = new ArrayList<>();
        for (Operation op : catalog.operations()) {
            if (op.readOnly()) {
                entries.add(new AllowEntry("default:" + op.name(), op.name(), null, null, List.of()));
            }
        }
        return new Policy(entries, Map.of(), PolicyMode.ENFORCE);
    }
}
