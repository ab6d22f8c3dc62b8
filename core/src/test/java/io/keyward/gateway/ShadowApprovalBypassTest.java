package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outside review of this session's approvals: a shadow key's agent makes its large payment fail one
 * of its entry's own parameter rules, or calls an operation no entry names, so that no entry admits
 * it and no entry's threshold seemed to apply. A shadowed money call now needs approval above the
 * policy's strictest threshold (both attacks were let through unapproved before the fix).
 */
class ShadowApprovalBypassTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 100000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "shadow-approval-agent");
    private static final String POLICY = "{\"mode\":\"shadow\",\"allow\":[{\"id\":\"charge\",\"operation\":\"payment_intents.create\","
            + "\"approval_above_usd\":\"30.00\",\"params\":{\"currency\":{\"in\":[\"usd\"]}}}]}";

    private static String key() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\"}")));
        return calls.key("stripe", "\"daily_usd_cap\":\"100000.00\",\"policy\":" + POLICY);
    }

    @Test
    void aShadowKeyStillAsksForApprovalOfTheRequestItsEntryAdmits() throws Exception {
        String key = key();
        RawHttp.Response asked = calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=500000&currency=usd");
        assertEquals(403, asked.status(), "control: the entry's own request needs an approval: " + asked.bodyText());
    }

    @Test
    void aShadowKeysLargePaymentThatBreaksAParamRuleNeedsNoApproval() throws Exception {
        String key = key();
        int sent = gw.vendor().received().size();
        // $5,000 in EUR: the entry's currency rule fails, the shadow policy lets it through, no approval is asked.
        RawHttp.Response paid = calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=500000&currency=eur");
        assertEquals(sent, gw.vendor().received().size(), "a $5,000 payment reached Stripe with no operator approval (status "
                + paid.status() + ", " + paid.bodyText() + ")");
        assertEquals(403, paid.status(), paid.bodyText());
    }

    @Test
    void aShadowKeysLargeChargeOnAnOperationNoEntryNamesNeedsNoApproval() throws Exception {
        String key = key();
        int sent = gw.vendor().received().size();
        RawHttp.Response paid = calls.send(key, "POST", "/stripe/v1/charges", "application/x-www-form-urlencoded",
                "amount=500000&currency=usd&source=tok_visa");
        assertEquals(sent, gw.vendor().received().size(), "a $5,000 charge reached Stripe with no operator approval (status "
                + paid.status() + ", " + paid.bodyText() + ")");
    }
}
