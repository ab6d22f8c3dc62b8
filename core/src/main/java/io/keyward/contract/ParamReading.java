package io.keyward.contract;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a vendor's servers read parameter names, which decides what Keyward must refuse so that its
 * reading and the vendor's can never differ.
 *
 * @param caseInsensitive whether {@code Body} and {@code body} are the same parameter (Twilio)
 * @param nestedNames whether form names nest with brackets, {@code a[b][0]} (Stripe, Rack-style);
 *     otherwise a form name is one flat name and brackets in it are refused
 * @param listNames flat names the vendor reads as a list when they repeat ({@code MediaUrl}); any
 *     other repeated name must repeat the same value, or the call is refused
 */
public record ParamReading(boolean caseInsensitive, boolean nestedNames, Set<String> listNames) {

    public ParamReading {
        listNames = listNames.stream().map(n -> caseInsensitive ? n.toLowerCase(Locale.ROOT) : n).collect(Collectors.toUnmodifiableSet());
    }

    /** Rack-style nested names, case-sensitive, no repeated names (Stripe; JSON vendors' query strings). */
    public static ParamReading nested() {
        return new ParamReading(false, true, Set.of());
    }

    /** Whether a repeat of this flat name adds to a list rather than naming the parameter twice. */
    public boolean isList(String name) {
        return listNames.contains(caseInsensitive ? name.toLowerCase(Locale.ROOT) : name);
    }

    /** The form in which two names are compared. */
    public String fold(String segment) {
        return caseInsensitive ? segment.toLowerCase(Locale.ROOT) : segment;
    }
}
