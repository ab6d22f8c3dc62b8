package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.config.Secret;
import io.keyward.route.Route;
import io.keyward.route.Router;
import io.keyward.vendor.Catalog;
import io.keyward.vendor.CredentialStyle;
import io.keyward.vendor.VendorProfile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CredentialInjectorTest {
    private static final String SID = "AC11111111111111111111111111111111";
    private static final VendorProfile TWILIO = new VendorProfile("twilio", URI.create("https://api.twilio.com"),
            Map.of("verify", URI.create("https://verify.twilio.com")), CredentialStyle.TWILIO_BASIC,
            Secret.of("auth-token-0123"), SID, SID, "Twilio-Request-Id", Catalog.twilio(), true);
    private static final VendorProfile STRIPE = new VendorProfile("stripe", URI.create("https://api.stripe.com"),
            Map.of(), CredentialStyle.BEARER, Secret.of("sk_live_real"), null, null, "Request-Id", Catalog.stripe(), false);
    private final Router router = new Router("", Map.of("twilio", TWILIO, "stripe", STRIPE));
    private final CredentialInjector injector = new CredentialInjector();

    @ParameterizedTest
    @CsvSource({
            "/twilio/2010-04-01/Accounts/kw_abc_def/Messages.json, /2010-04-01/Accounts/" + SID + "/Messages.json",
            "/twilio/2010-04-01/Accounts/ACaaaa/Messages/SM1.json, /2010-04-01/Accounts/" + SID + "/Messages/SM1.json",
            "/twilio/2010-04-01/Accounts/kw_abc.json,            /2010-04-01/Accounts/" + SID + ".json",
            "/twilio/2010-04-01/Accounts/kw_abc,                 /2010-04-01/Accounts/" + SID,
            "/twilio/2010-04-01/Accounts,                        /2010-04-01/Accounts",
            "/twilio/verify/v2/Services/VA1/Verifications,       /v2/Services/VA1/Verifications",
    })
    void twilioAccountSegmentAlwaysBecomesTheRealAccount(String agentPath, String upstreamPath) {
        Route route = router.route(agentPath, null).orElseThrow();
        UpstreamCredential credential = injector.credentialFor(route, TWILIO.secret());
        assertEquals(upstreamPath, credential.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((SID + ":auth-token-0123").getBytes(StandardCharsets.UTF_8)),
                credential.authorization());
    }

    @Test
    void bearerVendorsGetTheirSecretAndKeepTheirPath() {
        Route route = router.route("/stripe/v1/payment_intents", "expand[0]=x").orElseThrow();
        UpstreamCredential credential = injector.credentialFor(route, STRIPE.secret());
        assertEquals("Bearer sk_live_real", credential.authorization());
        assertEquals("/v1/payment_intents", credential.path());
        assertFalse(credential.toString().contains("sk_live_real"));
    }
}
