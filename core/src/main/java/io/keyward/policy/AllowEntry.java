package io.keyward.policy;

import io.keyward.contract.PathTemplate;
import java.util.List;

/**
 * One {@code allow} entry: an operation from the vendor catalog, or a method and path template,
 * with the rules its parameters must meet.
 *
 * @param label the entry's {@code id}, or {@code allow[i]}: what the audit row's {@code rule} names
 * @param operation the catalog operation name, or null for a method + path entry
 */
record AllowEntry(String label, String operation, String method, PathTemplate path, List<ParamRule> rules) {
}
