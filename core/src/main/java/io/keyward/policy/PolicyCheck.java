package io.keyward.policy;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.json.Json;
import io.keyward.key.VaultKey;
import io.keyward.request.CallRequest;
import io.keyward.request.Param;
import io.keyward.request.ParamName;
import io.keyward.route.Route;
import io.keyward.vendor.VendorProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a key may make this call: the key must be live (not revoked, not expired by the
 * database clock) and issued for this vendor, and an entry of its policy must allow the operation
 * with these parameters. Default deny: no matching entry is {@code denied_operation}; a matching
 * entry whose rules fail is {@code denied_parameter}, naming the parameter and rule but never the
 * value. A parameter a rule inspects that arrives in two places, or twice with different values,
 * is {@code denied_malformed}: the checker and the vendor must never read different values.
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

    public PolicyCheck(Map<String, VendorProfile> vendors) {
        vendors.forEach((name, vendor) -> readOnlyDefaults.put(name, Policy.readOnly(vendor.catalog())));
    }

    /**
     * @return the label of the allow entry that admits the call (the audit row's {@code rule})
     * @throws Refusal when the call is not allowed
     */
    public String check(VaultKey key, Route route, CallRequest call) {
        if (key.revoked()) {
            throw new Refusal(Code.DENIED_REVOKED, "vault key " + key.id() + " was revoked");
        }
        if (key.expired()) {
            throw new Refusal(Code.DENIED_EXPIRED, "vault key " + key.id() + " has expired");
        }
        if (key.frozen()) {
            throw Refusal.killSwitch(key.vendor());
        }
        VendorProfile vendor = route.vendor();
        if (!key.vendor().equals(vendor.name())) {
            throw new Refusal(Code.DENIED_VENDOR, 403, "vault key " + key.id() + " is for " + key.vendor() + ", not " + vendor.name(), "vendor");
        }
        Policy policy = policyOf(key, vendor);
        Refusal firstFailure = null;
        for (AllowEntry entry : policy.entries()) {
            Optional<List<Param>> params = paramsIfCovered(entry, call);
            if (params.isEmpty()) {
                continue;
            }
            Optional<Refusal> failure = evaluate(entry, params.get(), vendor.caseInsensitiveParams());
            if (failure.isEmpty()) {
                return entry.label();
            }
            if (firstFailure == null) {
                firstFailure = failure.get();
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        String what = call.operation() != null ? call.operation().name() : call.method() + " " + route.vendorPath();
        throw new Refusal(Code.DENIED_OPERATION, 403, "the key's policy does not allow " + sanitize(what), "default_deny");
    }

    private Policy policyOf(VaultKey key, VendorProfile vendor) {
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
                    ? Optional.of(call.params()) : Optional.empty();
        }
        if (!entry.method().equals(call.method())) {
            return Optional.empty();
        }
        return entry.path().match(call.pathSegments()).map(vars -> {
            List<Param> params = new ArrayList<>();
            vars.forEach((name, value) -> params.add(new Param(Param.Source.PATH, new ParamName(List.of(name)), value)));
            call.params().stream().filter(p -> p.source() != Param.Source.PATH).forEach(params::add);
            return params;
        });
    }

    private static Optional<Refusal> evaluate(AllowEntry entry, List<Param> params, boolean ignoreCase) {
        for (ParamRule rule : entry.rules()) {
            List<Param> matched = params.stream().filter(p -> rule.name().covers(p.name(), ignoreCase)).toList();
            refusePollution(rule, matched);
            String label = entry.label() + ".params." + rule.text();
            boolean present = params.stream().anyMatch(p -> rule.name().contains(p.name(), ignoreCase));
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

    private static void refusePollution(ParamRule rule, List<Param> matched) {
        if (matched.stream().map(Param::source).distinct().count() > 1) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, "parameter " + rule.text()
                    + " is given in more than one place (path, query, body)", "pollution." + rule.text());
        }
        if (!rule.name().hasWildcard() && matched.stream().map(Param::value).distinct().count() > 1) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, "parameter " + rule.text()
                    + " is given more than once with different values", "pollution." + rule.text());
        }
    }

    private static Refusal denied(ParamRule rule, String why, String label) {
        return new Refusal(Code.DENIED_PARAMETER, 403, "parameter " + rule.text() + " " + why, label);
    }

    private static String sanitize(String text) {
        String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return cut.replaceAll("[^A-Za-z0-9_./{}:\\- ]", "?");
    }
}
