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
 * Outside review: a shadow policy let through calls outside the catalog, which have no price, so a
 * $10-cap shadow key moved $50,000 through Stripe endpoints the catalog does not list (and an SMS as
 * Twilio's Messages.xml) with no cap, reservation or approval. Only catalog calls are shadowed now;
 * the rest is refused as under an enforcing policy.
 */
class ShadowUncappedMoneyTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 100000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "shadow-uncapped-agent");

    @Test
    void aShadowKeyWithATenDollarCapSendsFiftyThousandDollarsThroughAnEndpointOutsideTheCatalog() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"ok\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"10.00\",\"policy\":{\"mode\":\"shadow\",\"allow\":["
                + "{\"operation\":\"customers.retrieve\"}]}");
        // Control: a catalog payment over the cap is refused as the docs say.
        RawHttp.Response capped = calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=5000000&currency=usd");
        assertEquals(429, capped.status(), capped.bodyText());

        int sent = gw.vendor().received().size();
        RawHttp.Response outbound = calls.send(key, "POST", "/stripe/v1/treasury/outbound_payments", "application/x-www-form-urlencoded",
                "amount=5000000&currency=usd&financial_account=fa_1&destination_payment_method=pm_1");
        RawHttp.Response legacyRefund = calls.send(key, "POST", "/stripe/v1/charges/ch_1/refund", "application/x-www-form-urlencoded",
                "amount=5000000");
        assertEquals(sent, gw.vendor().received().size(), "a $10-cap shadow key moved $50,000 twice (statuses "
                + outbound.status() + ", " + legacyRefund.status() + "); reserved/spent "
                + calls.ledger(key).spentUsd() + " (ledger)");
    }

    /** Twilio answers .xml as it answers .json; the catalog knows only .json, so the shadow key's SMS is unpriced. */
    @Test
    void aShadowTwilioKeySendsUncappedMessagesThroughTheXmlSpellingOfMessagesCreate() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\",\"price\":null}")));
        String key = calls.key("twilio", "\"daily_usd_cap\":\"0.01\",\"policy\":{\"mode\":\"shadow\",\"allow\":["
                + "{\"operation\":\"messages.list\"}]}");
        String body = "To=%2B447700900123&From=%2B15017122661&Body=" + "x".repeat(1500);
        RawHttp.Response capped = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/AC1/Messages.json",
                "application/x-www-form-urlencoded", body);
        assertEquals(429, capped.status(), "control: .json is priced and capped: " + capped.bodyText());
        int sent = gw.vendor().received().size();
        RawHttp.Response xml = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/AC1/Messages.xml",
                "application/x-www-form-urlencoded", body);
        assertEquals(sent, gw.vendor().received().size(), "the same 10-segment international SMS went out uncapped as Messages.xml"
                + " (status " + xml.status() + ", " + xml.bodyText() + ")");
    }
}
