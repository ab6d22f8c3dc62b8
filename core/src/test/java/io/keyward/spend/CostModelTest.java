package io.keyward.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.config.ConfigException;
import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.contract.Estimate;
import io.keyward.contract.Vendor;
import io.keyward.registry.VendorRegistry;
import io.keyward.testing.TestGateway;
import io.keyward.request.CallRequest;
import io.keyward.testing.Calls;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostModelTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private static Estimate estimate(String vendor, String path, String type, String body) throws Exception {
        CallRequest call = Calls.parse("POST", "/" + vendor + path, null, type, body).call();
        return Calls.VENDORS.get(vendor).costs().estimate(call.operation(), call.params());
    }

    private static String usd(Estimate e) {
        return e.known() ? e.usd().stripTrailingZeros().toPlainString() : "unknown";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "dollars in cents               | /v1/payment_intents   | amount=2000&currency=usd                         | 20",
        "euros at the configured rate    | /v1/payment_intents   | amount=1000&currency=eur                         | 12",
        "yen has no minor unit           | /v1/charges           | amount=1000&currency=jpy                         | 7.5",
        "dinar has three decimals        | /v1/payouts           | amount=1000&currency=kwd                         | 3.4",
        "upper-case currency             | /v1/transfers         | amount=250&currency=USD                          | 2.5",
        "refund naming a currency        | /v1/refunds           | amount=500&currency=usd                          | unknown",
        "customer-balance refund         | /v1/refunds           | amount=500&currency=usd&origin=customer_balance&customer=cus_1 | 5",
        "refund of the rest              | /v1/refunds           | charge=ch_1                                      | unknown",
        "amount without currency         | /v1/payment_intents   | amount=100                                       | unknown",
        "currency without a rate         | /v1/payment_intents   | amount=100&currency=xts                          | unknown",
        "amount that is not whole        | /v1/payment_intents   | amount=10.5&currency=usd                         | unknown",
        "checkout lines                  | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=2000&line_items[0][quantity]=2&line_items[1][price_data][currency]=usd&line_items[1][price_data][unit_amount]=150 | 41.5",
        "checkout line with a price id   | /v1/checkout/sessions | line_items[0][price]=price_1&line_items[0][quantity]=2 | unknown",
        "update without amount           | /v1/payment_intents/pi_1 | description=x                                 | 0",
        "confirm of an earlier amount    | /v1/payment_intents/pi_1/confirm | payment_method=pm_1                   | unknown",
        "update that changes currency    | /v1/payment_intents/pi_1 | currency=gbp                                  | unknown",
        "checkout with shipping options  | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=2000&shipping_options[0][shipping_rate_data][fixed_amount][amount]=500&shipping_options[0][shipping_rate_data][fixed_amount][currency]=usd&shipping_options[1][shipping_rate_data][fixed_amount][amount]=1500&shipping_options[1][shipping_rate_data][fixed_amount][currency]=usd | 35",
        "checkout with a shipping rate id | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=2000&shipping_options[0][shipping_rate]=shr_1 | unknown",
        "adjustable quantity, its maximum | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&line_items[0][quantity]=1&line_items[0][adjustable_quantity][enabled]=true&line_items[0][adjustable_quantity][maximum]=10 | 10",
        "adjustable quantity, Stripe's 99 | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&line_items[0][quantity]=1&line_items[0][adjustable_quantity][enabled]=true | 99",
        "checkout with automatic tax      | /v1/checkout/sessions | line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&automatic_tax[enabled]=true | unknown",
        "customer without a balance       | /v1/customers         | email=a%40example.com                          | 0",
        "customer with a credit balance   | /v1/customers/cus_1   | balance=-1000000                               | unknown",
    })
    void stripe(String name, String path, String body, String expected) throws Exception {
        assertEquals(expected, usd(estimate("stripe", path, FORM, body)));
    }

    @Test
    void aSubscriptionCancelledWithAFinalInvoiceHasAnUnknownCost() throws Exception {
        for (String query : new String[] {"invoice_now=true", "prorate=true"}) {
            CallRequest call = Calls.parse("DELETE", "/stripe/v1/subscriptions/sub_1", query, null, null).call();
            assertFalse(Calls.VENDORS.get("stripe").costs().estimate(call.operation(), call.params()).known(), query);
        }
        CallRequest plain = Calls.parse("DELETE", "/stripe/v1/subscriptions/sub_1", null, null, null).call();
        assertEquals("0", usd(Calls.VENDORS.get("stripe").costs().estimate(plain.operation(), plain.params())));
    }

    /** Stripe's refunds carry no currency (a refund is in its charge's): only the account currency prices one. */
    @Test
    void anAmountWithoutCurrencyIsPricedInTheAccountCurrencyOnlyWhenOneIsConfigured() throws Exception {
        Vendor eurAccount = stripeWith("    account_currency: eur\n");
        CallRequest refund = Calls.parse("POST", "/stripe/v1/refunds", null, FORM, "charge=ch_1&amount=1000").call();
        assertEquals(new BigDecimal("12"), eurAccount.costs().estimate(refund.operation(), refund.params()).usd().stripTrailingZeros());
        Estimate unset = Calls.VENDORS.get("stripe").costs().estimate(refund.operation(), refund.params());
        assertFalse(unset.known());
        assertTrue(unset.basis().contains("account_currency"), unset.basis());

        CallRequest named = Calls.parse("POST", "/stripe/v1/payment_intents", null, FORM, "amount=1000&currency=usd").call();
        assertEquals("10", usd(eurAccount.costs().estimate(named.operation(), named.params())), "a named currency wins");
        // ...but not on a refund of a charge, which is in the charge's currency: the dearer of the two.
        CallRequest cheaper = Calls.parse("POST", "/stripe/v1/refunds", null, FORM, "charge=ch_1&amount=1000&currency=usd").call();
        assertEquals("12", usd(eurAccount.costs().estimate(cheaper.operation(), cheaper.params())));
        CallRequest dearer = Calls.parse("POST", "/stripe/v1/refunds", null, FORM, "charge=ch_1&amount=1000&currency=gbp").call();
        assertEquals("14", usd(eurAccount.costs().estimate(dearer.operation(), dearer.params())));

        CallRequest full = Calls.parse("POST", "/stripe/v1/refunds", null, FORM, "payment_intent=pi_1").call();
        Estimate rest = eurAccount.costs().estimate(full.operation(), full.params());
        assertFalse(rest.known(), "a full refund's amount is the charge's, which the request does not state");
        assertTrue(rest.basis().contains("send the amount"), rest.basis());
    }

    @Test
    void anAccountCurrencyMustBeACurrencyWithARate() {
        ConfigException upper = assertThrows(ConfigException.class, () -> stripeWith("    account_currency: USD\n"));
        assertTrue(upper.getMessage().contains("account_currency"), upper.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> stripeWith("    account_currency: xyz\n"));
        assertTrue(unknown.getMessage().contains("no spend.fx_usd rate for xyz"), unknown.getMessage());
    }

    private static Vendor stripeWith(String setting) {
        KeywardConfig config = new ConfigLoader(Map.of("TEST_JDBC_URL", "jdbc:mariadb://127.0.0.1:1/unused")::get)
                .parse(TestGateway.yaml("https://vendor.invalid").replace("  stripe:\n", "  stripe:\n" + setting));
        return VendorRegistry.fromConfig(config.vendors(), config.spend()).get("stripe");
    }

    @Test
    void stripeSettlesWithTheAmountTheVendorStates() throws Exception {
        CallRequest call = Calls.parse("POST", "/stripe/v1/payment_intents", null, FORM, "amount=2000&currency=usd").call();
        byte[] answer = "{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"amount\":1500,\"currency\":\"eur\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new BigDecimal("18.000000"), Calls.VENDORS.get("stripe").costs().actual(call.operation(), answer).orElseThrow());
        assertFalse(Calls.VENDORS.get("stripe").costs().actual(call.operation(), "not json".getBytes(StandardCharsets.UTF_8)).isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "US SMS, one segment             | /2010-04-01/Accounts/AC1/Messages.json | To=%2B15551234567&Body=hello                     | 0.01",
        "UK SMS, one segment             | /2010-04-01/Accounts/AC1/Messages.json | To=%2B447700900123&Body=hello                    | 0.06",
        "unlisted country, default price | /2010-04-01/Accounts/AC1/Messages.json | To=%2B8613800138000&Body=hello                   | 0.15",
        "MMS                             | /2010-04-01/Accounts/AC1/Messages.json | To=%2B15551234567&Body=hi&MediaUrl=https%3A%2F%2Fx | 0.03",
        "content template has no length  | /2010-04-01/Accounts/AC1/Messages.json | To=%2B15551234567&ContentSid=HX1                 | unknown",
        "call limited to 61 seconds      | /2010-04-01/Accounts/AC1/Calls.json    | To=%2B15551234567&TimeLimit=61&Url=x             | 0.04",
        "call without a limit            | /2010-04-01/Accounts/AC1/Calls.json    | To=%2B15551234567&Url=x                          | 4.8",
        "verification                    | /verify/v2/Services/VA1/Verifications  | To=%2B15551234567&Channel=sms                    | 0.06",
    })
    void twilio(String name, String path, String body, String expected) throws Exception {
        assertEquals(expected, usd(estimate("twilio", path, FORM, body)));
    }

    @Test
    void twilioMessageOfUcs2TextCostsPerSegment() throws Exception {
        String body = "Body=" + "%E4%B8%AD".repeat(71) + "&To=%2B15551234567";
        assertEquals("0.02", usd(estimate("twilio", "/2010-04-01/Accounts/AC1/Messages.json", FORM, body)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "one recipient              | /emails       | {\"to\":[\"a@x.com\"]}                                              | 0.001",
        "to, cc and bcc             | /emails       | {\"to\":[\"a@x.com\",\"b@x.com\"],\"cc\":[\"c@x.com\"],\"bcc\":[\"d@x.com\"]} | 0.004",
        "to as one string           | /emails       | {\"to\":\"a@x.com\"}                                                | 0.001",
        "batch sums its emails      | /emails/batch | [{\"to\":[\"a@x.com\"]},{\"to\":[\"b@x.com\",\"c@x.com\"]},{\"to\":\"d@x.com\",\"bcc\":[\"e@x.com\"]}] | 0.005",
    })
    void resend(String name, String path, String body, String expected) throws Exception {
        assertEquals(expected, usd(estimate("resend", path, "application/json", body)));
    }

    @Test
    void nothingIsKnownWithoutAnOperation() throws Exception {
        assertNull(Calls.parse("POST", "/stripe/v1/unknown", null, FORM, "a=1").call().operation());
    }

    /**
     * A 1 MiB batch (about 17,000 emails) is read and priced whole; how fast is measured by
     * {@code PricingBenchmark} (docs/perf/pricing.md), not here: this machine is shared.
     */
    @Test
    void aOneMebibyteBatchIsPricedEmailByEmail() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        int emails = 0;
        while (batch.length() < 1024 * 1024 - 200) {
            batch.append(emails++ == 0 ? "" : ",").append("{\"from\":\"a@x.com\",\"to\":[\"b@x.com\",\"c@x.com\"],\"cc\":\"d@x.com, e@x.com\"}");
        }
        byte[] body = batch.append("]").toString().getBytes(StandardCharsets.UTF_8);
        CallRequest call = Calls.parse("POST", "/resend/emails/batch", null, "application/json", body, Map.of(), false).call();
        Estimate estimate = Calls.VENDORS.get("resend").costs().estimate(call.operation(), call.params());
        assertEquals(0, estimate.usd().compareTo(new BigDecimal("0.001").multiply(BigDecimal.valueOf(4L * emails))), "four recipients each");
    }
}
