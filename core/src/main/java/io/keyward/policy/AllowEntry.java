package io.keyward.policy;

import io.keyward.contract.PathTemplate;
import java.math.BigDecimal;
import java.util.List;

/**
 * One {@code allow} entry: an operation from the vendor catalog, or a method and path template,
 * with the rules its parameters must meet.
 *
 * @param label the entry's {@code id}, or {@code allow[i]}: what the audit row's {@code rule} names
 * @param operation the catalog operation name, or null for a method + path entry
 * @param approvalAboveUsd a call this entry admits that would cost more needs an operator's
 *     approval of the exact request first; null when none is asked
 */
record AllowEntry(String label, String operation, String method, PathTemplate path, List<ParamRule> rules,
                  BigDecimal approvalAboveUsd) {
    static final String APPROVAL_FIELD = "approval_above_usd";

    AllowEntry(String label, String operation, String method, PathTemplate path, List<ParamRule> rules) {
        this(label, operation, method, path, rules, null);
    }
}
