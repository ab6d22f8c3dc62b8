package io.keyward.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request headers a vendor may receive from an agent: an allowlist. A header not named here
 * never reaches the vendor ({@code X-Forwarded-*}, {@code X-Original-URL}, another vendor's headers,
 * anything new); a named one may appear at most once. {@code Authorization}, {@code Host},
 * {@code Content-Length} and the connection headers are Keyward's and the HTTP client's own.
 */
public final class HeaderContract {
    /** What any HTTP API client sends and no vendor acts on beyond content negotiation. */
    private static final List<HeaderRule> COMMON = List.of(
            HeaderRule.plain("Content-Type", 200),
            HeaderRule.plain("Accept", 200),
            HeaderRule.plain("Accept-Charset", 100),
            HeaderRule.plain("User-Agent", 500),
            HeaderRule.plain("Cache-Control", 100),
            HeaderRule.plain("Pragma", 100));

    private final Map<String, HeaderRule> byLowerName;

    private HeaderContract(Map<String, HeaderRule> byLowerName) {
        this.byLowerName = Collections.unmodifiableMap(byLowerName);
    }

    /** The common headers plus the vendor's own. */
    public static HeaderContract of(HeaderRule... vendorHeaders) {
        Map<String, HeaderRule> rules = new LinkedHashMap<>();
        for (HeaderRule rule : COMMON) {
            rules.put(rule.name().toLowerCase(Locale.ROOT), rule);
        }
        for (HeaderRule rule : vendorHeaders) {
            rules.put(rule.name().toLowerCase(Locale.ROOT), rule);
        }
        return new HeaderContract(rules);
    }

    /** The rule for a header name (any case), if the vendor may receive it. */
    public Optional<HeaderRule> rule(String name) {
        return Optional.ofNullable(byLowerName.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Headers that need the key's policy to allow their value. */
    public List<HeaderRule> governed() {
        List<HeaderRule> out = new ArrayList<>();
        byLowerName.values().stream().filter(r -> r.policyField() != null).forEach(out::add);
        return out;
    }

    /** Headers an idempotent retry must repeat exactly. */
    public List<HeaderRule> meaningful() {
        return byLowerName.values().stream().filter(HeaderRule::changesMeaning).toList();
    }

    public List<HeaderRule> all() {
        return List.copyOf(byLowerName.values());
    }
}
