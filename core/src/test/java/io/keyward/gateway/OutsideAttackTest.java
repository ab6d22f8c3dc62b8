package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outside review's attacks on the one-reading gateway, made with a valid vault key (or none),
 * each of which once succeeded: a regex stack overflow turned into a 500 with no (or a false) audit
 * row, a Checkout Session reserved without its shipping, an intent's currency changed for free, an
 * encoded vault key kept in the audit trail, a customer credit set outside the cap. Each test passes
 * only when the gateway resists. (The review's masking-oracle finding belongs to the secrets issue.)
 */
class OutsideAttackTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension(
            "guards:\n  loop_max_repeats: 1000\n  rate_per_second: 1000\n  rate_per_minute: 100000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "outsider");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";

    private static List<CallRow> rows() throws Exception {
        gw.gateway().flushAudit();
        return gw.gateway().keyward().store().calls().list(new CallQuery(null, null, null, null, null, null, null, null, 500));
    }

    // ---------------------------------------------------------------------------------------------
    // F2. Agent-chosen text long enough to overflow a recursive regex: refused and audited, never a 500.
    // ---------------------------------------------------------------------------------------------

    @Test
    void f2a_aDeeplyBracketedFormNameIsRefusedNotA500() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        String body = "amount=100&currency=usd&metadata" + "[a]".repeat(5000) + "=x";
        RawHttp.Response reply = calls.send(key, "POST", "/stripe/v1/payment_intents", FORM, body);
        assertEquals(0, gw.vendor().received().size());
        List<CallRow> mine = rows().stream().filter(r -> AgentCalls.idOf(key).equals(r.keyId())).toList();
        assertTrue(reply.status() < 500 && mine.size() == 1 && mine.get(0).policyCheckResult().equals("denied_malformed"),
                "Keyward's own check answered " + reply.status() + " (" + reply.header("X-Keyward-Request-Id")
                + "); audit rows: " + mine.stream().map(r -> r.policyCheckResult() + "/" + r.reason()).toList());
    }

    @Test
    void f2b_aVaultKeyLikeRunInThePathMustNotCrashTheAuditWriteEvenWithoutAKey() throws Exception {
        // No vault key at all: anyone who can reach the gateway.
        String path = "/stripe/v1/customers/kw_" + "A".repeat(4000);
        RawHttp.Response reply = calls.send(null, "GET", path, null, null);
        assertTrue(reply.status() < 500, "answered " + reply.status() + ": " + reply.bodyText());
        String requestId = reply.header("X-Keyward-Request-Id");
        assertTrue(rows().stream().anyMatch(r -> r.requestId().equals(requestId)), "the refused call has an audit row");
    }

    @Test
    void f2c_aLongDomainUnderADomainInRuleIsRefusedNotA500() throws Exception {
        String key = calls.key("resend", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\","
                + "\"params\":{\"to[*]\":{\"domain_in\":[\"example.com\"]}}}]}");
        String to = "x@" + "a.".repeat(5000) + "example.com";
        String body = "{\"from\":\"a@example.com\",\"to\":\"" + to + "\",\"subject\":\"s\",\"text\":\"t\"}";
        RawHttp.Response reply = calls.send(key, "POST", "/resend/emails", JSON, body);
        assertTrue(reply.status() < 500, "answered " + reply.status() + ": " + reply.bodyText());
        assertEquals(0, gw.vendor().received().size());
    }

    // ---------------------------------------------------------------------------------------------
    // F3. Checkout Sessions: the price Keyward reserves leaves out what Stripe adds to amount_total.
    // ---------------------------------------------------------------------------------------------

    @Test
    void f3_aCheckoutSessionIsReservedAtWhatStripeWillTotal() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"amount_total\":1000100,\"currency\":\"usd\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"checkout.sessions.create\"}]}");
        String body = "mode=payment&success_url=https%3A%2F%2Fexample.com"
                + "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100"
                + "&line_items[0][price_data][product_data][name]=thing&line_items[0][quantity]=1"
                + "&shipping_address_collection[allowed_countries][0]=US"
                + "&shipping_options[0][shipping_rate_data][type]=fixed_amount"
                + "&shipping_options[0][shipping_rate_data][display_name]=Express"
                + "&shipping_options[0][shipping_rate_data][fixed_amount][amount]=1000000"
                + "&shipping_options[0][shipping_rate_data][fixed_amount][currency]=usd";
        RawHttp.Response reply = calls.send(key, "POST", "/stripe/v1/checkout/sessions", FORM, body);
        CallRow row = calls.audit(reply);
        LedgerRow ledger = calls.ledger(key);
        assertTrue(reply.status() != 200 || ledger.spentUsd().compareTo(new BigDecimal("50.00")) <= 0,
                "a $50 cap admitted a session Stripe totals at $" + ledger.spentUsd() + " (reserved $" + row.estimatedUsd() + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // F4. payment_intents.update that changes only the currency is priced at $0.
    // ---------------------------------------------------------------------------------------------

    @Test
    void f4_changingOnlyTheCurrencyOfAnIntentIsNotFree() throws Exception {
        gw.vendor().server().stubFor(any(urlPathMatching("/v1/payment_intents")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"amount\":100000,\"currency\":\"idr\"}")));
        gw.vendor().server().stubFor(any(urlPathMatching("/v1/payment_intents/pi_1")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"amount\":100000,\"currency\":\"gbp\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"},"
                + "{\"operation\":\"payment_intents.update\"}]}");
        // Created at IDR 1,000.00 (about $0.07) ...
        RawHttp.Response create = calls.send(key, "POST", "/stripe/v1/payment_intents", FORM, "amount=100000&currency=idr");
        assertEquals(200, create.status(), create.bodyText());
        // ... then the same 100000 minor units re-read as GBP 1,000.00: Keyward reads no amount, so $0.
        assertTrue(calls.ledger(key).spentUsd().compareTo(new BigDecimal("0.10")) < 0);
        RawHttp.Response update = calls.send(key, "POST", "/stripe/v1/payment_intents/pi_1", FORM, "currency=gbp");
        CallRow row = calls.audit(update);
        assertTrue(update.status() != 200 || row.estimatedUsd() == null || row.estimatedUsd().compareTo(new BigDecimal("5.00")) > 0,
                "update admitted with a reservation of $" + row.estimatedUsd() + " under a $5 cap; Stripe now holds a GBP 1,000 intent");
    }

    // ---------------------------------------------------------------------------------------------
    // F5. A vault key in the path, percent-encoded otherwise than kw%5F, reaches the audit trail.
    // ---------------------------------------------------------------------------------------------

    @Test
    void f5_anEncodedVaultKeyInThePathIsKeptOutOfTheAuditTrail() throws Exception {
        String key = calls.key("twilio", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String encoded = "%6B" + key.substring(1); // 'k' spelt %6B
        RawHttp.Response reply = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + encoded + "/Queues.json", FORM, "x=1");
        assertEquals(400, reply.status());
        CallRow row = calls.audit(reply);
        String secretPart = key.substring(20);
        assertFalse(row.path().contains(secretPart), "audit path holds the vault key: " + row.path());
    }

    // ---------------------------------------------------------------------------------------------
    // F6. Money moved by an operation the catalog calls non-money: a customer credit balance.
    // ---------------------------------------------------------------------------------------------

    @Test
    void f5b_aVaultKeyCarriedAnywhereButAuthorizationNeverReachesTheVendor() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.retrieve\"},"
                + "{\"operation\":\"customers.create\"}]}");
        List<RawHttp.Response> replies = List.of(
                calls.send(key, "GET", "/stripe/v1/customers/" + key, null, null),
                calls.send(key, "GET", "/stripe/v1/customers/cus_1?expand%5B0%5D=" + key.replace("_", "%5F"), null, null),
                calls.send(key, "POST", "/stripe/v1/customers", FORM, "description=" + key),
                calls.send(key, "POST", "/stripe/v1/customers", FORM, "email=a%40example.com", "Idempotency-Key: " + key));
        for (RawHttp.Response reply : replies) {
            assertEquals(400, reply.status(), reply.bodyText());
            assertEquals("request.vault_key", calls.audit(reply).rule());
            assertFalse(calls.audit(reply).path().contains(key.substring(20)));
        }
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void f6_aCustomerBalanceSetThroughCustomersCreateOrUpdateIsCapped() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\"},"
                + "{\"operation\":\"customers.update\"},{\"operation\":\"customers.balance_transactions.create\"}]}");
        // The priced way: a $10,000 credit through balance_transactions is refused by the $1 cap.
        assertEquals(429, calls.send(key, "POST", "/stripe/v1/customers/cus_1/balance_transactions", FORM,
                "amount=-1000000&currency=usd").status());
        // The same credit set as the customer's balance goes through unpriced.
        RawHttp.Response create = calls.send(key, "POST", "/stripe/v1/customers", FORM, "email=a%40example.com&balance=-1000000");
        RawHttp.Response update = calls.send(key, "POST", "/stripe/v1/customers/cus_1", FORM, "balance=-1000000");
        assertTrue(create.status() != 200 && update.status() != 200,
                "customers.create " + create.status() + " / customers.update " + update.status() + " set a $10,000 credit; vendor got "
                + gw.vendor().received().size() + " calls; reserved " + calls.audit(update).estimatedUsd());
    }

    // ---------------------------------------------------------------------------------------------
    // HELD. A long HTTP method (VARCHAR(16) column) does not poison the audit spool: INSERT IGNORE truncates.
    // ---------------------------------------------------------------------------------------------

    @Test
    void held1_aLongHttpMethodCannotPoisonTheAuditTrail() throws Exception {
        String yaml = "guards:\n  rate_per_second: 1000\n  rate_per_minute: 100000\n"
                + "audit:\n  spool_dir: " + java.nio.file.Files.createTempDirectory("kw-spool") + "\n  spool_max_bytes: 8192\n";
        try (io.keyward.testing.TestGateway g = io.keyward.testing.TestGateway.start(io.keyward.testing.TestDatabase.fresh(),
                gw.vendor().baseUrl(), yaml)) {
            String key = new io.keyward.testing.AdminClient(g.baseUrl(), TestSecrets.ADMIN_TOKEN)
                    .issue("stripe", "victim", "\"daily_usd_cap\":\"1.00\"").get("key").asText();
            byte[] poison = ("GETXXXXXXXXXXXXXXXXX /stripe/v1/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Response refused = RawHttp.send(g.port(), poison);
            assertEquals(401, refused.status(), refused.bodyText()); // no key needed: refused, but audited
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                byte[] call = ("GET /stripe/v1/customers/cus_" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                statuses.add(RawHttp.send(g.port(), call).status());
                Thread.sleep(20);
            }
            boolean written = g.keyward().audit().flush(Duration.ofSeconds(5));
            assertTrue(written && !statuses.contains(503), "audit rows reach the database: " + written
                    + "; a legitimate key's calls afterwards: " + statuses);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // HELD. Pricing and routing spellings that the vendor reads as money are refused, not under-priced.
    // ---------------------------------------------------------------------------------------------

    @Test
    void held2_alternativeSpellingsOfMoneyAreRefused() throws Exception {
        String stripe = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"checkout.sessions.create\"},"
                + "{\"operation\":\"payment_intents.create\"}]}");
        // unit_amount_decimal instead of unit_amount: unknown cost, refused without a ceiling
        assertEquals(403, calls.send(stripe, "POST", "/stripe/v1/checkout/sessions", FORM, "mode=payment&line_items[0][quantity]=1"
                + "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount_decimal]=99999999").status());
        // leading zero index, + sign, exponent, decimal amount, upper-case currency with space
        assertEquals(400, calls.send(stripe, "POST", "/stripe/v1/checkout/sessions", FORM, "mode=payment&line_items[00][quantity]=1"
                + "&line_items[00][price_data][currency]=usd&line_items[00][price_data][unit_amount]=1").status());
        for (String amount : List.of("%2B100000", "1e5", "100000.0", "0x186A0", "+100000")) {
            assertEquals(403, calls.send(stripe, "POST", "/stripe/v1/payment_intents", FORM, "amount=" + amount + "&currency=usd").status(), amount);
        }
        assertEquals(403, calls.send(stripe, "POST", "/stripe/v1/payment_intents", FORM, "amount=100000&currency=usd+").status());
        // Twilio: Messages.xml, lower-case resource, a list name in brackets
        String twilio = calls.key("twilio", "\"daily_usd_cap\":\"0.05\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String account = "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT;
        assertEquals(403, calls.send(twilio, "POST", account + "/Messages.xml", FORM, "To=%2B447700900123&Body=hi").status());
        assertEquals(403, calls.send(twilio, "POST", account + "/messages.json", FORM, "To=%2B447700900123&Body=hi").status());
        assertEquals(400, calls.send(twilio, "POST", account + "/Messages.json", FORM, "To=%2B15551234567&Body=hi&MediaUrl[0]=x").status());
        assertEquals(0, gw.vendor().received().size());
    }
}
