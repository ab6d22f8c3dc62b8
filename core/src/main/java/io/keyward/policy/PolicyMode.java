package io.keyward.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a policy's refusals are answered ({@code enforce}, the default) or only recorded
 * ({@code shadow}): a shadow policy lets an operator see what a new policy would refuse on real
 * traffic before it refuses anything. Only the policy's own refusals are shadowed; the key's state,
 * kill switches, guards and spend caps are checked as for any key.
 */
public enum PolicyMode {
    ENFORCE,
    SHADOW;

    /** The field of a policy document that holds the mode. */
    public static final String FIELD = "mode";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<PolicyMode> ofWire(String text) {
        for (PolicyMode mode : values()) {
            if (mode.wire().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
