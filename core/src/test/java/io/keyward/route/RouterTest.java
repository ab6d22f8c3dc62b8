package io.keyward.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.config.Secret;
import io.keyward.vendor.Catalog;
import io.keyward.vendor.CredentialStyle;
import io.keyward.vendor.VendorProfile;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final VendorProfile TWILIO = new VendorProfile("twilio", URI.create("https://api.twilio.com"),
            Map.of("verify", URI.create("https://verify.twilio.com")), CredentialStyle.TWILIO_BASIC,
            Secret.of("token"), "AC1", "AC1", null, Catalog.twilio(), true);
    private static final VendorProfile STRIPE = new VendorProfile("stripe", URI.create("https://api.stripe.com/base"),
            Map.of(), CredentialStyle.BEARER, Secret.of("sk"), null, null, null, Catalog.stripe(), false);
    private final Router router = new Router("", Map.of("twilio", TWILIO, "stripe", STRIPE));

    @Test
    void vendorSegmentPicksTheConfiguredBaseAndKeepsTheRestAsSent() {
        Route route = router.route("/stripe/v1/payment_intents/pi%5F1", "expand[0]=x").orElseThrow();
        assertEquals(URI.create("https://api.stripe.com/base"), route.upstreamBase());
        assertEquals("/v1/payment_intents/pi%5F1", route.upstreamPath());
        assertEquals("expand[0]=x", route.rawQuery());
        assertEquals("/", router.route("/stripe", null).orElseThrow().upstreamPath());
    }

    @Test
    void aSecondVendorHostIsChosenByItsSegment() {
        Route route = router.route("/twilio/verify/v2/Services", null).orElseThrow();
        assertEquals(URI.create("https://verify.twilio.com"), route.upstreamBase());
        assertEquals("/v2/Services", route.upstreamPath());
        assertEquals("/verify/v2/Services", route.vendorPath(), "operations are matched on the agent's path, host segment included");
        assertEquals(URI.create("https://api.twilio.com"), router.route("/twilio/2010-04-01/Accounts", null).orElseThrow().upstreamBase());
    }

    @Test
    void hostCannotBeChosenByThePath() {
        Route route = router.route("/stripe//evil.example.com/v1", null).orElseThrow();
        assertEquals(URI.create("https://api.stripe.com/base"), route.upstreamBase());
    }

    @Test
    void pathsOfOtherVendorsOrOutsideThePrefixAreNotKeywards() {
        assertEquals(Optional.empty(), router.route("/paypal/v1/payments", null));
        assertEquals(Optional.empty(), router.route("/admin/keys", null));
        assertEquals(Optional.empty(), router.route("/stripes/v1", null));
        Router prefixed = new Router("/agents", Map.of("stripe", STRIPE));
        assertEquals(Optional.empty(), prefixed.route("/stripe/v1/charges", null));
        assertEquals("/v1/charges", prefixed.route("/agents/stripe/v1/charges", null).orElseThrow().upstreamPath());
    }
}
