package io.keyward.vendor;

import io.keyward.config.ConfigException;
import io.keyward.config.VendorConfig;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Builds the run-time profiles of the vendors named in config from Keyward's built-in knowledge of each. */
public final class VendorProfiles {
    /** Vendors Keyward knows how to authenticate against. */
    public static final Set<String> BUILT_IN = Set.of("stripe", "twilio", "resend");

    private VendorProfiles() {
    }

    public static Map<String, VendorProfile> fromConfig(Map<String, VendorConfig> vendors) {
        Map<String, VendorProfile> profiles = new LinkedHashMap<>();
        vendors.forEach((name, config) -> profiles.put(name, profile(name, config)));
        return Collections.unmodifiableMap(profiles);
    }

    private static VendorProfile profile(String name, VendorConfig c) {
        return switch (name) {
            case "stripe" -> new VendorProfile(name, c.baseUrl(), c.hosts(), CredentialStyle.BEARER, c.secret(),
                    null, null, "Request-Id", Catalog.stripe(), false);
            case "resend" -> new VendorProfile(name, c.baseUrl(), c.hosts(), CredentialStyle.BEARER, c.secret(),
                    null, null, null, Catalog.resend(), false);
            case "twilio" -> twilio(c);
            default -> throw new ConfigException("vendors." + name,
                    "unknown vendor; Keyward serves " + String.join(", ", BUILT_IN.stream().sorted().toList()));
        };
    }

    private static VendorProfile twilio(VendorConfig c) {
        if (c.accountSid() == null || !c.accountSid().matches("AC[0-9A-Za-z]{32}")) {
            throw new ConfigException("vendors.twilio.account_sid", "is required: the real account SID (AC + 32 characters)");
        }
        if (c.apiKeySid() != null && !c.apiKeySid().matches("SK[0-9A-Za-z]{32}")) {
            throw new ConfigException("vendors.twilio.api_key_sid", "must be an API key SID (SK + 32 characters)");
        }
        Map<String, URI> hosts = new LinkedHashMap<>();
        hosts.put("verify", URI.create("https://verify.twilio.com"));
        hosts.putAll(c.hosts());
        String username = c.apiKeySid() != null ? c.apiKeySid() : c.accountSid();
        return new VendorProfile("twilio", c.baseUrl(), hosts, CredentialStyle.TWILIO_BASIC, c.secret(),
                username, c.accountSid(), "Twilio-Request-Id", Catalog.twilio(), true);
    }
}
