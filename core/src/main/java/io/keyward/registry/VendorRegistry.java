package io.keyward.registry;

import io.keyward.config.ConfigException;
import io.keyward.config.SpendConfig;
import io.keyward.config.VendorConfig;
import io.keyward.contract.Catalog;
import io.keyward.contract.HeaderContract;
import io.keyward.contract.HeaderRule;
import io.keyward.contract.Operation;
import io.keyward.contract.Vendor;
import io.keyward.resend.ResendVendor;
import io.keyward.stripe.StripeVendor;
import io.keyward.twilio.TwilioVendor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vendors Keyward serves, one line each. A vendor unit is a package implementing
 * {@link Vendor}; adding one is a line in {@link #UNITS}.
 */
public final class VendorRegistry {
    private interface Factory {
        Vendor create(VendorConfig config, SpendConfig prices);
    }

    private record Unit(String name, Factory factory, Catalog catalog, HeaderContract headers) {
    }

    private static final List<Unit> UNITS = List.of(
            new Unit("stripe", StripeVendor::new, StripeVendor.CATALOG, StripeVendor.HEADERS),
            new Unit("twilio", TwilioVendor::new, TwilioVendor.CATALOG, TwilioVendor.HEADERS),
            new Unit("resend", ResendVendor::new, ResendVendor.CATALOG, ResendVendor.HEADERS));

    private static final Set<String> OPERATION_NAMES;
    private static final Set<String> POLICY_HEADER_FIELDS;

    static {
        Set<String> ops = new LinkedHashSet<>();
        Set<String> fields = new LinkedHashSet<>();
        for (Unit unit : UNITS) {
            unit.catalog().operations().stream().map(Operation::name).forEach(ops::add);
            unit.headers().governed().stream().map(HeaderRule::policyField).forEach(fields::add);
        }
        OPERATION_NAMES = Collections.unmodifiableSet(ops);
        POLICY_HEADER_FIELDS = Collections.unmodifiableSet(fields);
    }

    private VendorRegistry() {
    }

    /** The configured vendors, each built from its config section and the configured prices. */
    public static Map<String, Vendor> fromConfig(Map<String, VendorConfig> vendors, SpendConfig prices) {
        Map<String, Vendor> built = new LinkedHashMap<>();
        vendors.forEach((name, config) -> built.put(name, unit(name).factory().create(config, prices)));
        return Collections.unmodifiableMap(built);
    }

    /** Names of the vendors Keyward can serve. */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        UNITS.forEach(u -> names.add(u.name()));
        return names;
    }

    /**
     * Every operation name of every vendor: one policy document may name operations of several
     * vendors and be issued to a key of each; a name no vendor has is a typo.
     */
    public static Set<String> operationNames() {
        return OPERATION_NAMES;
    }

    /** Top-level policy fields that allow a redirecting header's value ({@code stripe_account}). */
    public static Set<String> policyHeaderFields() {
        return POLICY_HEADER_FIELDS;
    }

    private static Unit unit(String name) {
        for (Unit unit : UNITS) {
            if (unit.name().equals(name)) {
                return unit;
            }
        }
        throw new ConfigException("vendors." + name, "unknown vendor; Keyward serves " + String.join(", ", names()));
    }
}
