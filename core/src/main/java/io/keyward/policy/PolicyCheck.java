package io.keyward.policy;

import io.keyward.contract.HeaderRule;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import io.keyward.contract.Vendor;
import io.keyward.decision.Code;
import io.keyward.decision.Decision;
import io.keyward.decision.Refusal;
import io.keyward.json.Json;
import io.keyward.key.VaultKey;
import io.keyward.key.VaultKeyFormat;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a key may make this call: the key must be live (not revoked, not expired by the
 * database clock) and issued for this vendor, an entry of its policy must allow the operation with
 * these parameters, and every header that redirects the call (Stripe's {@code Stripe-Account}) must
 * be allowed by the policy's rule of that header's name. Default deny: no matching entry is {@code denied_operation}; a
 * matching entry whose rules fail is {@code denied_parameter}, naming the parameter and rule but
 * never the value. Parameters come from the call's one reading ({@link Params}), where every name
 * has one value; a rule that checks values refuses a parameter sent as a list or object instead
 * ({@code denied_malformed}), so {@code customer[0]} cannot slip past a rule on {@code customer}.
 *
 * <p>A policy in {@link PolicyMode#SHADOW shadow mode} lets through what only its allow entries and
 * header rules would refuse, and says so in the {@link Decision}.
 */
public final class PolicyCheck {
    private static final int CACHE_SIZE = 10_000;
    private final Map<String, Policy> readOnlyDefaults = new HashMap<>();
    // Compiled policies by vendor and JSON text: parsing and regex compilation stay off the hot path.
    private final Map<String, Policy> compiled = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Policy> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    public PolicyCheck(Map<String, Vendor> vendors) {
        vendors.forEach((name, vendor) -> readOnlyDefaults.put(name, Policy.readOnly(vendor.catalog())));
    }

    /**
     * @return the allow entry that admits the call; for a shadow policy, also the refusal it would
     *     have answered with (the call goes on, and the audit row says what would have happened)
     * @throws Refusal when the call is not allowed: the key is not live, is for another vendor, or an
     *     enforced policy refuses it
     */
    public Decision check(VaultKey key, Route route, CallRequest call) {
        // The key's own state is never shadowed: a shadow policy reports on what the key may do, not on whether it lives.
        if (key.revoked()) {
            throw new Refusal(Code.DENIED_REVOKED, "vault key " + key.id() + " was revoked");
        }
        if (key.expired()) {
            throw new Refusal(Code.DENIED_EXPIRED, "vault key " + key.id() + " has expired");
        }
        if (key.frozen()) {
            throw Refusal.killSwitch(key.vendor());
        }
        Vendor vendor = route.vendor();
        if (!key.vendor().equals(vendor.name())) {
            throw new Refusal(Code.DENIED_VENDOR, 403, "vault key " + key.id() + " is for " + key.vendor() + ", not " + vendor.name(), "vendor");
        }
        Policy policy = policyOf(key, vendor);
        try {
            AllowEntry entry = allowingEntry(policy, vendor, call);
            return Decision.allowedBy(entry.label(), entry.approvalAboveUsd());
        } catch (Refusal refusal) {
            // Only calls of the catalog are shadowed: one outside it has no price, so no cap and no
            // approval could hold it. A shadowed call needs approval above the policy's strictest
            // threshold: no entry admitted it, so none may be assumed to have waived one.
            if (policy.mode() == PolicyMode.SHADOW && SHADOWED.contains(refusal.code()) && call.operation() != null) {
                return Decision.shadowOf(refusal, policy.strictestApprovalAboveUsd());
            }
            throw refusal;
        }
    }

    /**
     * The policy's own verdicts, the only refusals a shadow policy records instead of answering. A
     * call the vendor could read two ways ({@code denied_malformed}) is refused in every mode: one
     * reading is what makes the spend cap's price and the audit row true.
     */
    private static final Set<Code> SHADOWED = EnumSet.of(Code.DENIED_OPERATION, Code.DENIED_PARAMETER);

    /** @return the allow entry that admits the call */
    private static AllowEntry allowingEntry(Policy policy, Vendor vendor, CallRequest call) {
        boolean ignoreCase = call.params().reading().caseInsensitive();
        Refusal firstFailure = null;
        for (AllowEntry entry : policy.entries()) {
            Optional<List<Param>> params = paramsIfCovered(entry, call);
            if (params.isEmpty()) {
                continue;
            }
            Optional<Refusal> failure = evaluate(entry, params.get(), ignoreCase);
            if (failure.isEmpty()) {
                checkRedirectingHeaders(policy, vendor, call);
                return entry;
            }
            if (firstFailure == null) {
                firstFailure = failure.get();
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        String what = call.operation() != null ? call.operation().name() : call.method() + " /" + String.join("/", call.pathSegments());
        throw new Refusal(Code.DENIED_OPERATION, 403, "the key's policy does not allow " + sanitize(what), "default_deny");
    }

    /**
     * A header that moves the call to another account passes only when the policy's rule of that
     * header's name allows the value; without a rule, the header is refused.
     */
    private static void checkRedirectingHeaders(Policy policy, Vendor vendor, CallRequest call) {
        for (HeaderRule header : vendor.headers().governed()) {
            Optional<String> value = call.header(header.name());
            ParamRule rule = policy.headerRules().get(header.policyField());
            String label = "policy." + header.policyField();
            if (value.isEmpty()) {
                if (rule != null && rule.required()) {
                    throw new Refusal(Code.DENIED_PARAMETER, 403, "the " + header.name() + " header is required by the key's policy", label + ".required");
                }
                continue;
            }
            if (rule == null || rule.absent()) {
                throw new Refusal(Code.DENIED_PARAMETER, 403, "the " + header.name() + " header is not allowed by the key's policy"
                        + " (it needs a top-level \"" + header.policyField() + "\" rule that allows the value)", label + (rule == null ? "" : ".absent"));
            }
            for (ValueCheck check : rule.checks()) {
                Optional<String> failure = check.failure(value.get());
                if (failure.isPresent()) {
                    throw new Refusal(Code.DENIED_PARAMETER, 403, "the " + header.name() + " header " + failure.get(), label + "." + check.kind());
                }
            }
        }
    }

    private Policy policyOf(VaultKey key, Vendor vendor) {
        if (key.policy() == null) {
            return readOnlyDefaults.get(vendor.name());
        }
        try {
            return compiled.computeIfAbsent(vendor.name() + "\n" + key.policy(),
                    k -> PolicyParser.parse(Json.tree(key.policy()), vendor.catalog()));
        } catch (PolicyException | IllegalStateException e) {
            // A stored policy that no longer reads (a catalog change) allows nothing rather than everything.
            throw new Refusal(Code.DENIED_OPERATION, 403, "the key's policy cannot be applied (" + e.getMessage() + ")", "policy_invalid");
        }
    }

    /** The call's parameters as this entry sees them, when the entry covers the call's operation. */
    private static Optional<List<Param>> paramsIfCovered(AllowEntry entry, CallRequest call) {
        if (entry.operation() != null) {
            return call.operation() != null && call.operation().name().equals(entry.operation())
                    ? Optional.of(call.params().all()) : Optional.empty();
        }
        if (!entry.method().equals(call.method())) {
            return Optional.empty();
        }
        return entry.path().match(call.pathSegments()).map(vars -> {
            List<Param> params = new ArrayList<>();
            vars.forEach((name, value) -> params.add(new Param(Param.Source.PATH, ParamName.of(name), value)));
            call.params().all().stream().filter(p -> p.source() != Param.Source.PATH).forEach(params::add);
            return params;
        });
    }

    private static Optional<Refusal> evaluate(AllowEntry entry, List<Param> params, boolean ignoreCase) {
        for (ParamRule rule : entry.rules()) {
            List<Param> matched = new ArrayList<>();
            boolean present = false;
            for (Param p : params) {
                if (rule.name().covers(p.name(), ignoreCase)) {
                    matched.add(p);
                    present = true;
                } else if (rule.name().contains(p.name(), ignoreCase)) {
                    present = true;
                    if (!rule.checks().isEmpty()) {
                        throw new Refusal(Code.DENIED_MALFORMED, 400, "parameter " + rule.text() + " must be a single value"
                                + (rule.name().hasWildcard() ? " or a list of values" : "") + ", not a list or object",
                                "request.shape." + rule.text());
                    }
                }
            }
            refuseDifferingValues(rule, matched);
            String label = entry.label() + ".params." + rule.text();
            if (rule.absent() && present) {
                return Optional.of(denied(rule, "must be absent", label + ".absent"));
            }
            if (rule.required() && !present) {
                return Optional.of(denied(rule, "is required", label + ".required"));
            }
            for (ValueCheck check : rule.checks()) {
                for (Param p : matched) {
                    Optional<String> failure = check.failure(p.value());
                    if (failure.isPresent()) {
                        return Optional.of(denied(rule, failure.get(), label + "." + check.kind()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The one reading has one value per name; only an entry's own path template can name a
     * parameter again ({@code /v1/customers/{id}} and {@code ?id=...}). Two values are refused.
     */
    private static void refuseDifferingValues(ParamRule rule, List<Param> matched) {
        if (!rule.name().hasWildcard() && matched.stream().map(Param::value).distinct().count() > 1) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, "parameter " + rule.text()
                    + " is given more than once with different values", "pollution." + rule.text());
        }
    }

    private static Refusal denied(ParamRule rule, String why, String label) {
        return new Refusal(Code.DENIED_PARAMETER, 403, "parameter " + rule.text() + " " + why, label);
    }

    private static String sanitize(String text) {
        String scrubbed = VaultKeyFormat.scrub(text);
        String cut = scrubbed.length() > 120 ? scrubbed.substring(0, 120) + "..." : scrubbed;
        return cut.replaceAll("[^A-Za-z0-9_./{}:\\- ]", "?");
    }
}
