package io.keyward.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.contract.ParamName;
import io.keyward.registry.VendorRegistry;
import io.keyward.contract.Catalog;
import io.keyward.contract.PathTemplate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.LinkedHashMap;

/**
 * Reads and validates a policy against the vendor's catalog. Every mistake is a
 * {@link PolicyException} naming where it is, so a bad policy is refused when the key is issued,
 * never discovered on a call.
 */
public final class PolicyParser {
    private static final Set<String> ENTRY_FIELDS = Set.of("id", "operation", "method", "path", "params", AllowEntry.APPROVAL_FIELD);
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> RULES = Set.of("eq", "in", "not_in", "min", "max", "pattern", "domain_in",
            "country_in", "absent", "required");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)+");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final int MAX_PATTERN = 500;

    private PolicyParser() {
    }

    public static Policy parse(JsonNode policy, Catalog catalog) {
        String root = "policy";
        if (policy == null || !policy.isObject()) {
            throw new PolicyException(root, "must be a JSON object with an \"allow\" list");
        }
        Set<String> topLevel = new LinkedHashSet<>();
        topLevel.add("allow");
        topLevel.add(PolicyMode.FIELD);
        topLevel.addAll(VendorRegistry.policyHeaderFields());
        onlyFields(policy, topLevel, root);
        JsonNode allow = policy.get("allow");
        if (allow == null || !allow.isArray()) {
            throw new PolicyException(root + ".allow", "must be a list of allow entries");
        }
        List<AllowEntry> entries = new ArrayList<>();
        Set<String> labels = new LinkedHashSet<>();
        for (int i = 0; i < allow.size(); i++) {
            AllowEntry entry = entry(allow.get(i), i, catalog);
            if (!labels.add(entry.label())) {
                throw new PolicyException(root + ".allow[" + i + "].id", "repeats the id of an earlier entry");
            }
            entries.add(entry);
        }
        Map<String, ParamRule> headerRules = new LinkedHashMap<>();
        for (String field : VendorRegistry.policyHeaderFields()) {
            JsonNode rule = policy.get(field);
            if (rule != null) {
                headerRules.put(field, rule(field, rule, root + "." + field));
            }
        }
        return new Policy(entries, headerRules, mode(policy.get(PolicyMode.FIELD), root + "." + PolicyMode.FIELD));
    }

    /** Absent means enforce: every policy issued before modes existed keeps refusing. */
    private static PolicyMode mode(JsonNode value, String at) {
        if (value == null || value.isNull()) {
            return PolicyMode.ENFORCE;
        }
        return PolicyMode.ofWire(value.isTextual() ? value.textValue() : "")
                .orElseThrow(() -> new PolicyException(at, "must be \"enforce\" or \"shadow\""));
    }

    private static AllowEntry entry(JsonNode node, int index, Catalog catalog) {
        String at = "policy.allow[" + index + "]";
        if (!node.isObject()) {
            throw new PolicyException(at, "must be an object");
        }
        onlyFields(node, ENTRY_FIELDS, at);
        String id = text(node, "id", at);
        if (id != null && !id.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new PolicyException(at + ".id", "must be 1-64 letters, digits or . _ : -");
        }
        String operation = text(node, "operation", at);
        String method = text(node, "method", at);
        String path = text(node, "path", at);
        PathTemplate template = null;
        if (operation != null) {
            if (method != null || path != null) {
                throw new PolicyException(at, "name an operation, or a method and path, not both");
            }
            // An operation of another vendor is accepted but can never match this key's calls, so one
            // policy document can be issued to a Stripe, a Twilio and a Resend key alike.
            if (catalog.named(operation).isEmpty() && !VendorRegistry.operationNames().contains(operation)) {
                throw new PolicyException(at + ".operation", "is not a catalog operation; see the catalog in docs/policies.md");
            }
        } else {
            if (method == null || path == null) {
                throw new PolicyException(at, "needs \"operation\", or both \"method\" and \"path\"");
            }
            if (!METHODS.contains(method)) {
                throw new PolicyException(at + ".method", "must be one of GET, POST, PUT, PATCH, DELETE");
            }
            try {
                template = PathTemplate.of(path, catalog.optionalJsonSuffix());
            } catch (IllegalArgumentException e) {
                throw new PolicyException(at + ".path", e.getMessage());
            }
        }
        List<ParamRule> rules = new ArrayList<>();
        JsonNode params = node.get("params");
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new PolicyException(at + ".params", "must be an object of parameter name to rules");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = params.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                rules.add(rule(f.getKey(), f.getValue(), at + ".params." + f.getKey()));
            }
        }
        java.math.BigDecimal approvalAbove = approvalAbove(node.get(AllowEntry.APPROVAL_FIELD), at + "." + AllowEntry.APPROVAL_FIELD);
        if (approvalAbove != null && operation == null) {
            // A method and path outside the catalog has no price to compare: the threshold could never apply.
            throw new PolicyException(at + "." + AllowEntry.APPROVAL_FIELD, "needs an \"operation\" entry: the cost of a"
                    + " method and path outside the catalog cannot be read from the request");
        }
        return new AllowEntry(id != null ? id : "allow[" + index + "]", operation, method, template, rules, approvalAbove);
    }

    /** A decimal string of US dollars, as every amount in Keyward's API is; absent means no approval is asked. */
    private static java.math.BigDecimal approvalAbove(JsonNode value, String at) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PolicyException(at, "must be a decimal string of US dollars, such as \"30.00\"");
        }
        try {
            return io.keyward.money.Usd.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new PolicyException(at, e.getMessage());
        }
    }

    private static ParamRule rule(String name, JsonNode node, String at) {
        ParamName parsed;
        try {
            parsed = ParamName.ofRule(name);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(at, e.getMessage());
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new PolicyException(at, "must be an object of rules, such as {\"max\": 5000}");
        }
        onlyFields(node, RULES, at);
        boolean absent = flag(node, "absent", at);
        boolean required = flag(node, "required", at);
        List<ValueCheck> checks = new ArrayList<>();
        if (node.has("eq")) {
            checks.add(new ValueCheck.Eq(literal(node.get("eq"), at + ".eq")));
        }
        if (node.has("in")) {
            checks.add(new ValueCheck.In(literals(node.get("in"), at + ".in")));
        }
        if (node.has("not_in")) {
            checks.add(new ValueCheck.NotIn(literals(node.get("not_in"), at + ".not_in")));
        }
        if (node.has("min")) {
            checks.add(new ValueCheck.Bound(number(node.get("min"), at + ".min"), false));
        }
        if (node.has("max")) {
            checks.add(new ValueCheck.Bound(number(node.get("max"), at + ".max"), true));
        }
        if (node.has("pattern")) {
            checks.add(new ValueCheck.Matches(pattern(node.get("pattern"), at + ".pattern")));
        }
        if (node.has("domain_in")) {
            checks.add(new ValueCheck.DomainIn(words(node.get("domain_in"), at + ".domain_in", DOMAIN, true)));
        }
        if (node.has("country_in")) {
            checks.add(new ValueCheck.CountryIn(words(node.get("country_in"), at + ".country_in", COUNTRY, false)));
        }
        if (absent && (required || !checks.isEmpty())) {
            throw new PolicyException(at + ".absent", "cannot be combined with other rules for the same parameter");
        }
        return new ParamRule(name, parsed, required, absent, List.copyOf(checks));
    }

    private static boolean flag(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean() || !value.booleanValue()) {
            throw new PolicyException(at + "." + field, "must be true (leave it out otherwise)");
        }
        return true;
    }

    private static ValueCheck.Literal literal(JsonNode value, String at) {
        if (value.isTextual()) {
            return new ValueCheck.Literal(value.textValue(), null);
        }
        if (value.isNumber()) {
            return new ValueCheck.Literal(value.asText(), value.decimalValue());
        }
        if (value.isBoolean()) {
            return new ValueCheck.Literal(value.asText(), null);
        }
        throw new PolicyException(at, "must be a string, number or boolean");
    }

    private static List<ValueCheck.Literal> literals(JsonNode value, String at) {
        if (!value.isArray() || value.isEmpty()) {
            throw new PolicyException(at, "must be a non-empty list");
        }
        List<ValueCheck.Literal> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            out.add(literal(value.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    private static BigDecimal number(JsonNode value, String at) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual() && ValueCheck.NUMBER.matcher(value.textValue()).matches()) {
            return new BigDecimal(value.textValue());
        }
        throw new PolicyException(at, "must be a number");
    }

    private static Pattern pattern(JsonNode value, String at) {
        if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_PATTERN) {
            throw new PolicyException(at, "must be a regular expression of 1-" + MAX_PATTERN + " characters");
        }
        try {
            return Pattern.compile(value.textValue());
        } catch (PatternSyntaxException e) {
            throw new PolicyException(at, "is not a valid regular expression");
        }
    }

    private static Set<String> words(JsonNode value, String at, Pattern shape, boolean lowerCase) {
        if (!value.isArray() || value.isEmpty()) {
            throw new PolicyException(at, "must be a non-empty list");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode w = value.get(i);
            String text = w.isTextual() ? (lowerCase ? w.textValue().toLowerCase(Locale.ROOT) : w.textValue()) : null;
            if (text == null || !shape.matcher(text).matches()) {
                throw new PolicyException(at + "[" + i + "]", lowerCase ? "must be a domain such as example.com" : "must be a two-letter country code such as US");
            }
            out.add(text);
        }
        return Set.copyOf(out);
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PolicyException(at + "." + field, "must be a string");
        }
        return value.textValue();
    }

    private static void onlyFields(JsonNode node, Set<String> known, String at) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new PolicyException(at + "." + name, "unknown field; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
