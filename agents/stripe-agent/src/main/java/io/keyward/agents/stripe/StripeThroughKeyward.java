package io.keyward.agents.stripe;

import com.stripe.StripeClient;

/**
 * The whole integration for stripe-java: the vault key where the Stripe key would go, and
 * Keyward's {@code /stripe} as the API base. Nothing else in the agent changes.
 */
final class StripeThroughKeyward {
    private StripeThroughKeyward() {
    }

    static StripeClient client() {
        return StripeClient.builder()
                .setApiKey(required("KEYWARD_VAULT_KEY"))
                .setApiBase(required("KEYWARD_GATEWAY") + "/stripe")
                .build();
    }

    static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("set " + name);
        }
        return value;
    }
}
