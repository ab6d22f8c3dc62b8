package io.keyward.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.contract.Vendor;
import io.keyward.testing.Calls;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Vendor TWILIO = Calls.vendor("twilio", "https://api.twilio.com");
    private static final Vendor STRIPE = Calls.vendor("stripe", "https://api.stripe.com/base");
    private final Router router = new Router("", Map.of("twilio", TWILIO, "stripe", STRIPE));

    @Test
    void vendorSegmentPicksTheConfiguredBaseAndKeepsTheRestAsSent() {
        Route route = router.route("/stripe/v1/payment_intents/pi%5F1", "expand[0]=x").orElseThrow();
        assertEquals(URI.create("https://api.stripe.com/base"), route.upstreamBase());
        assertEquals("/v1/payment_intents/pi%5F1", route.vendorPath());
        assertEquals(0, route.hostSegments());
        assertEquals("expand[0]=x", route.rawQuery());
        assertEquals("/", router.route("/stripe", null).orElseThrow().vendorPath());
    }

    @Test
    void aSecondVendorHostIsChosenByItsSegment() {
        Route route = router.route("/twilio/verify/v2/Services", null).orElseThrow();
        assertEquals(URI.create("https://api.twilio.com/verify-host"), route.upstreamBase());
        assertEquals(1, route.hostSegments(), "the host segment is not forwarded");
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
        assertEquals("/v1/charges", prefixed.route("/agents/stripe/v1/charges", null).orElseThrow().vendorPath());
    }
}
