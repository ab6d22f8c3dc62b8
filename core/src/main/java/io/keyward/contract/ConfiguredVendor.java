package io.keyward.contract;

import io.keyward.config.Secret;
import io.keyward.config.VendorConfig;
import java.net.URI;
import java.util.Map;

/**
 * What every vendor unit takes from its config section: where the API lives and the configured
 * secret. A unit extends this and says the rest of what the vendor means.
 */
public abstract class ConfiguredVendor implements Vendor {
    private final String name;
    private final VendorConfig config;

    protected ConfiguredVendor(String name, VendorConfig config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final URI baseUrl() {
        return config.baseUrl();
    }

    @Override
    public Map<String, URI> hosts() {
        return config.hosts();
    }

    @Override
    public final Secret secret() {
        return config.secret();
    }

    /** {@code Authorization: Bearer <secret>}, how Stripe and Resend take their keys. */
    protected static String bearer(Secret secret) {
        return "Bearer " + secret.reveal();
    }
}
