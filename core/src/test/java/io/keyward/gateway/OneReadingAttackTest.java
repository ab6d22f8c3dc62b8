package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The eleven attacks of the one-reading issue, each made with a valid vault key exactly as an
 * outside reviewer made it against the gateway that checked one reading of a call and forwarded
 * another. Each must now fail: refused before anything reaches the vendor, or charged in full.
 */
class OneReadingAttackTest {
    /** The loop breaker stops identical calls on its own; these attacks repeat calls on purpose, so it stays out of the way. */
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 1000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "attacker");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String INTENTS = "/stripe/v1/payment_intents";
    private static final String OTHER_ACCOUNT = "AC99999999999999999999999999999999";

    /** Refused with {@code status}/{@code code}, audited as such, and nothing reached the vendor. */
    private static void assertRefused(RawHttp.Response reply, int status, String code) throws Exception {
        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.bodyText().contains("\"code\":\"" + code + "\""), reply.bodyText());
        assertEquals(0, gw.vendor().received().size(), "a refused call never reaches the vendor");
        assertEquals(code, calls.audit(reply).policyCheckResult());
    }

    @Test
    void row1_aRepeatedAmountIsRefusedWhateverValueTheVendorWouldTake() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&amount=900000"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS + "?amount=900000", FORM, "amount=100&currency=usd"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&amount%5B0%5D=900000"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd;amount=900000"), 400, "denied_malformed");
    }

    @Test
    void row2_aCustomerSentAsAListOrTwiceIsRefused() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\","
                + "\"params\":{\"customer\":{\"in\":[\"cus_123\"]}}}]}");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&customer[0]=cus_999"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&customer=cus_123&customer=cus_999"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&customer=cus_123&customer[x]=cus_999"), 400, "denied_malformed");
        assertEquals(200, calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd&customer=cus_123").status(), "the plain call passes");
    }

    @Test
    void row3_anotherConnectedAccountNeedsThePolicyToNameIt() throws Exception {
        String plain = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        assertRefused(calls.send(plain, "POST", INTENTS, FORM, "amount=100&currency=usd", "Stripe-Account: acct_other"), 403, "denied_parameter");
        assertRefused(calls.send(plain, "POST", INTENTS, FORM, "amount=100&currency=usd", "Stripe-Context: acct_other"), 403, "denied_parameter");

        String scoped = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}],"
                + "\"stripe_account\":{\"in\":[\"acct_ours\"]}}");
        assertRefused(calls.send(scoped, "POST", INTENTS, FORM, "amount=100&currency=usd", "Stripe-Account: acct_other"), 403, "denied_parameter");
        assertRefused(calls.send(scoped, "POST", INTENTS, FORM, "amount=100&currency=usd", "Stripe-Account: acct_ours",
                "stripe-account: acct_other"), 400, "denied_malformed");
        assertEquals(200, calls.send(scoped, "POST", INTENTS, FORM, "amount=100&currency=usd", "Stripe-Account: acct_ours").status());
        assertEquals(List.of("acct_ours"), gw.vendor().received().get(0).getHeaders().getHeader("Stripe-Account").values());
    }

    @Test
    void row4_twilioDoesNotDeduplicateSoEveryMessageIsCounted() throws Exception {
        String key = calls.key("twilio", "\"daily_usd_cap\":\"0.05\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json", FORM,
                    "To=%2B15551234567&Body=hello", "Idempotency-Key: same-every-time").status());
        }
        assertEquals(5, statuses.stream().filter(s -> s == 200).count(), "five $0.01 messages fit a $0.05 cap: " + statuses);
        assertEquals(7, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        assertEquals(5, gw.vendor().received().size());
        for (LoggedRequest r : gw.vendor().received()) {
            assertFalse(r.containsHeader("Idempotency-Key"), "a header Twilio ignores is not passed on");
        }
        assertEquals(0, calls.ledger(key).spentUsd().compareTo(new BigDecimal("0.05")));
    }

    @Test
    void row5_aRetryIsFreeOnlyWhileTheFirstReservationStands() throws Exception {
        // The vendor refuses an API version it does not know, so the first try is released.
        gw.vendor().server().stubFor(any(anyUrl()).withHeader("Stripe-Version", equalTo("2099-01-01"))
                .atPriority(1).willReturn(aResponse().withStatus(400).withBody("{\"error\":{\"type\":\"invalid_request_error\"}}")));
        gw.vendor().server().stubFor(any(anyUrl()).atPriority(2).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"amount\":4000,\"currency\":\"usd\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        int executed = 0;
        for (int round = 0; round < 3; round++) {
            String idempotency = "Idempotency-Key: attack-" + round;
            int first = calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", idempotency, "Stripe-Version: 2099-01-01").status();
            assertTrue(first == 400 || first == 429, "refused by the vendor, or over the cap once $40 is spent: " + first);
            RawHttp.Response retry = calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", idempotency);
            executed += retry.status() == 200 ? 1 : 0;
            assertTrue(retry.status() == 200 || retry.status() == 429, retry.bodyText());
        }
        assertEquals(1, executed, "three $40 payments cannot pass a $50 cap");
        assertEquals(0, calls.ledger(key).spentUsd().compareTo(new BigDecimal("40.00")));
        assertEquals(0, calls.ledger(key).reservedUsd().signum());
    }

    @Test
    void row5_aRetryMustRepeatTheRequestAndItsMeaningfulHeadersAndTheKeyMustStillBeLive() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        String version = "Stripe-Version: 2026-07-29.dahlia";
        assertEquals(200, calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", "Idempotency-Key: k1", version).status());
        RawHttp.Response replay = calls.send(key, "POST", INTENTS, FORM, "currency=usd&amount=4000", "Idempotency-Key: k1", version);
        assertEquals(200, replay.status(), "the same request again rides on the reservation that stands");
        assertNull(calls.audit(replay).estimatedUsd(), "a replay holds nothing new");
        gw.vendor().reset();
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", "Idempotency-Key: k1",
                "Stripe-Version: 2025-01-27.acacia"), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", "Idempotency-Key: k1", version,
                "Stripe-Account: acct_1"), 403, "denied_parameter");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=4500&currency=usd", "Idempotency-Key: k1", version), 400, "denied_malformed");
        assertEquals(200, gw.admin().post("/keys/" + AgentCalls.idOf(key) + "/revoke", "{\"reason\":\"stop\"}").status());
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=4000&currency=usd", "Idempotency-Key: k1", version), 401, "denied_revoked");
    }

    @Test
    void row6_aRepeatedOrOverlongIdempotencyKeyIsRefusedAsBadInputNotAnOutage() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd", "Idempotency-Key: a", "Idempotency-Key: b"),
                400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd", "Idempotency-Key: " + "k".repeat(300)),
                400, "denied_malformed");
        assertRefused(calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd", "Content-Type: application/json"),
                400, "denied_malformed");
        assertEquals(200, calls.send(key, "POST", INTENTS, FORM, "amount=100&currency=usd", "Idempotency-Key: " + "k".repeat(255)).status());
    }

    @Test
    void row7_anEncodedFixedSegmentCannotSmuggleAnotherAccount() throws Exception {
        String key = calls.key("twilio", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String body = "To=%2B15551234567&Body=hi";
        assertRefused(calls.send(key, "POST", "/twilio/2010-04-01/Account%73/" + OTHER_ACCOUNT + "/Messages.json", FORM, body), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", "/twilio/2010%2D04%2D01/Accounts/" + OTHER_ACCOUNT + "/Messages.json", FORM, body), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + OTHER_ACCOUNT + "/%4Dessages.json", FORM, body), 400, "denied_malformed");
        assertEquals(200, calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + OTHER_ACCOUNT + "/Messages.json", FORM, body).status());
        assertEquals("/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json", gw.vendor().received().get(0).getUrl(),
                "whatever account the agent names, the configured one is used");
    }

    @Test
    void row8_twilioNamesThatDifferOnlyInCaseAreOneName() throws Exception {
        String key = calls.key("twilio", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String path = "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json";
        assertRefused(calls.send(key, "POST", path, FORM, "To=%2B15551234567&Body=hi&body=" + "%E2%82%AC".repeat(600)), 400, "denied_malformed");
        assertRefused(calls.send(key, "POST", path, FORM, "To=%2B15551234567&Body=hi&BODY=hi+there"), 400, "denied_malformed");
        RawHttp.Response lower = calls.send(key, "POST", path, FORM, "to=%2B15551234567&body=" + "%E2%82%AC".repeat(600));
        assertEquals(200, lower.status(), "a lower-case name alone is read, and priced, as Twilio reads it");
        assertEquals(0, calls.audit(lower).estimatedUsd().compareTo(new BigDecimal("0.08")), "600 euro signs take 2 septets each: 8 segments of $0.01");
    }

    @Test
    void row9_aVaultKeyInThePathNeverReachesTheAuditTrail() throws Exception {
        String key = calls.key("twilio", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        RawHttp.Response allowed = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + key + "/Messages.json", FORM, "To=%2B15551234567&Body=hi");
        assertEquals(200, allowed.status(), allowed.bodyText());
        RawHttp.Response refused = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + key + "/Calls.json", FORM, "To=%2B15551234567&Url=x");
        assertEquals(403, refused.status());
        RawHttp.Response unknown = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + key + "/Queues.json", FORM, "x=1");
        RawHttp.Response encoded = calls.send(key, "GET", "/twilio/2010-04-01/Accounts/" + key.replace("_", "%5F") + "/Messages/SM1.json", null, null);
        String secretPart = key.substring(20);
        for (RawHttp.Response reply : List.of(allowed, refused, unknown, encoded)) {
            CallRow row = calls.audit(reply);
            for (String column : new String[] {row.path(), row.reason(), row.rule()}) {
                assertFalse(column != null && column.contains(secretPart), "the vault key is kept out of " + column);
            }
            assertFalse(reply.everything().contains(secretPart), "nor echoed to the agent");
        }
        assertTrue(calls.audit(unknown).path().contains("kw_" + AgentCalls.idOf(key) + "_[redacted]"), calls.audit(unknown).path());
    }

    @Test
    void row10_aListWithAGapIsRefusedAndBigBatchesArePricedLinearly() throws Exception {
        String stripe = calls.key("stripe", "\"daily_usd_cap\":\"100000.00\",\"policy\":{\"allow\":[{\"operation\":\"checkout.sessions.create\"}]}");
        String lines = "mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&line_items[0][quantity]=1"
                + "&line_items[2][price_data][currency]=usd&line_items[2][price_data][unit_amount]=99999999&line_items[2][quantity]=10";
        assertRefused(calls.send(stripe, "POST", "/stripe/v1/checkout/sessions", FORM, lines), 400, "denied_malformed");

        String resend = calls.key("resend", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.batch\"}]}");
        StringBuilder batch = new StringBuilder("[");
        int emails = 1_600;
        for (int i = 0; i < emails; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"from\":\"a@example.com\",\"to\":[\"r").append(i)
                    .append("@example.com\"],\"subject\":\"s\",\"text\":\"").append("x".repeat(40)).append("\"}");
        }
        String body = batch.append("]").toString();
        assertTrue(body.length() > 150_000, "about 160 KB");
        RawHttp.Response reply = calls.send(resend, "POST", "/resend/emails/batch", "application/json", body);
        assertEquals(200, reply.status(), reply.bodyText());
        assertEquals(0, calls.audit(reply).estimatedUsd().compareTo(new BigDecimal("1.600")), "one recipient each, $0.001 per email");
    }

    @Test
    void row11_aRunBudgetIsBoundByTheSmallestCapAnyKeyOfTheRunNames() throws Exception {
        String intents = "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}";
        String small = calls.key("stripe", "\"agent_run_id\":\"run-shared\",\"daily_usd_cap\":\"1000.00\",\"run_usd_cap\":\"1.00\"," + intents);
        String large = calls.key("stripe", "\"agent_run_id\":\"run-shared\",\"daily_usd_cap\":\"1000.00\",\"run_usd_cap\":\"500.00\"," + intents);
        assertEquals(200, calls.send(small, "POST", INTENTS, FORM, "amount=60&currency=usd").status());
        assertEquals(429, calls.send(large, "POST", INTENTS, FORM, "amount=50000&currency=usd").status(), "the $1 run cap governs the $500 key too");
        assertEquals(200, calls.send(large, "POST", INTENTS, FORM, "amount=40&currency=usd").status());
        assertEquals(429, calls.send(small, "POST", INTENTS, FORM, "amount=1&currency=usd").status());

        // Issued the other way round, the small key is still bound by its own cap.
        String big = calls.key("stripe", "\"agent_run_id\":\"run-other\",\"daily_usd_cap\":\"1000.00\",\"run_usd_cap\":\"500.00\"," + intents);
        assertEquals(200, calls.send(big, "POST", INTENTS, FORM, "amount=10000&currency=usd").status());
        String tiny = calls.key("stripe", "\"agent_run_id\":\"run-other\",\"daily_usd_cap\":\"1000.00\",\"run_usd_cap\":\"1.00\"," + intents);
        assertEquals(429, calls.send(tiny, "POST", INTENTS, FORM, "amount=50&currency=usd").status(), "$100 already spent in a run tiny caps at $1");
        assertEquals(429, calls.send(big, "POST", INTENTS, FORM, "amount=100&currency=usd").status(), "and the smaller cap now governs the run");
    }
}
