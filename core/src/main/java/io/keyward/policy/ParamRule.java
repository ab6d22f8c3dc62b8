package io.keyward.policy;

import io.keyward.contract.ParamName;
import java.util.List;

/**
 * The rules of one policy entry for one parameter name.
 *
 * @param text the name as written in the policy, for messages and the audit row
 */
record ParamRule(String text, ParamName name, boolean required, boolean absent, List<ValueCheck> checks) {
}
