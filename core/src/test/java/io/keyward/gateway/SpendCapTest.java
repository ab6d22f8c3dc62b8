package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.store.CallRow;
import io.keyward.testing.Capture;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The spend cap through a real gateway and MariaDB: reserve before, settle or release after. */
class SpendCapTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final String CREATE = "{\"allow\":[{\"operation\":\"payment_intents.create\"},{\"operation\":\"refunds.create\"},"
            + "{\"operation\":\"customers.retrieve\"}]}";

    private static String issue(String cap) throws Exception {
        return gw.admin().issue("stripe", "spender", (cap == null ? "" : "\"daily_usd_cap\":\"" + cap + "\",") + "\"policy\":" + CREATE)
                .get("key").asText();
    }

    private static RawHttp.Response post(String key, String path, String body, String idempotencyKey) throws Exception {
        String head = "POST /stripe" + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n"
                + (idempotencyKey == null ? "" : "Idempotency-Key: " + idempotencyKey + "\r\n") + "\r\n" + body;
        return RawHttp.send(gw.port(), head.getBytes(StandardCharsets.UTF_8));
    }

    private static void vendorAnswers(int status, String body) {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static JsonNode spend(String key) throws Exception {
        gw.gateway().keyward().spend().flush(Duration.ofSeconds(5));
        return gw.admin().get("/spend?key_id=" + key.substring(3, 19)).json();
    }

    @Test
    void theCapAdmitsExactlyWhatFitsAndNothingReachesTheVendorAfterIt() throws Exception {
        vendorAnswers(200, "{\"object\":\"payment_intent\",\"amount\":30,\"currency\":\"usd\"}");
        String key = issue("1.00");
        for (int i = 0; i < 3; i++) {
            RawHttp.Response ok = post(key, "/v1/payment_intents", "amount=30&currency=usd&description=order-" + i, null);
            assertEquals(200, ok.status(), ok.bodyText());
        }
        RawHttp.Response over = post(key, "/v1/payment_intents", "amount=30&currency=usd&description=order-3", null);
        assertEquals(429, over.status(), over.bodyText());
        assertTrue(over.bodyText().contains("\"code\":\"denied_spend_cap\""));
        assertNotNull(over.header("Retry-After"));
        assertTrue(Long.parseLong(over.header("Retry-After")) <= 86_400);
        assertEquals(3, gw.vendor().received().size(), "the call over the cap never reaches the vendor");

        JsonNode spend = spend(key);
        assertEquals("1.00", spend.get("cap_usd").asText());
        assertEquals("0.90", spend.get("spent_usd").asText());
        assertEquals("0.00", spend.get("reserved_usd").asText());
        assertEquals("0.10", spend.get("remaining_usd").asText());
        CallRow refused = CallAudit.byRequestId(gw.gateway(), over.header("X-Keyward-Request-Id"));
        assertEquals("spend.key_cap", refused.rule());

        RawHttp.Response small = post(key, "/v1/payment_intents", "amount=10&currency=usd", null);
        assertEquals(200, small.status(), "a smaller call still fits");
    }

    @Test
    void everyResponseCarriesTheBudget() throws Exception {
        vendorAnswers(200, "{\"object\":\"payment_intent\",\"amount\":250,\"currency\":\"usd\"}");
        String key = issue("10.00");
        RawHttp.Response read = RawHttp.send(gw.port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("10.00", read.header("X-Keyward-Budget-Remaining-Usd"));
        assertTrue(read.header("X-Keyward-Budget-Reset").endsWith("T00:00:00Z"));
        RawHttp.Response paid = post(key, "/v1/payment_intents", "amount=250&currency=usd", null);
        assertEquals("7.50", paid.header("X-Keyward-Budget-Remaining-Usd"));
        RawHttp.Response refused = post(key, "/v1/payment_intents", "amount=100000&currency=usd", null);
        assertEquals(429, refused.status());
        assertNotNull(refused.header("X-Keyward-Budget-Remaining-Usd"));
    }

    @Test
    void settlesWithTheVendorsAmountReleasesOnA4xxAndKeepsOnA5xx() throws Exception {
        String key = issue("100.00");
        vendorAnswers(200, "{\"object\":\"payment_intent\",\"amount\":800,\"currency\":\"usd\"}");
        RawHttp.Response settled = post(key, "/v1/payment_intents", "amount=1000&currency=usd", null);
        assertEquals(200, settled.status());
        CallRow row = CallAudit.byRequestId(gw.gateway(), settled.header("X-Keyward-Request-Id"));
        assertEquals(0, row.estimatedUsd().compareTo(new java.math.BigDecimal("10")));
        assertEquals(0, row.amountUsd().compareTo(new java.math.BigDecimal("8")));
        assertEquals("8.00", spend(key).get("spent_usd").asText());

        vendorAnswers(402, "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\"}}");
        RawHttp.Response declined = post(key, "/v1/payment_intents", "amount=2000&currency=usd", null);
        assertEquals(402, declined.status(), "the vendor's answer reaches the agent");
        assertNull(CallAudit.byRequestId(gw.gateway(), declined.header("X-Keyward-Request-Id")).amountUsd());
        assertEquals("8.00", spend(key).get("spent_usd").asText(), "a declined card moved no money");
        assertEquals("0.00", spend(key).get("reserved_usd").asText());

        vendorAnswers(500, "{\"error\":{\"type\":\"api_error\"}}");
        RawHttp.Response failed = post(key, "/v1/payment_intents", "amount=300&currency=usd", null);
        assertEquals(500, failed.status());
        CallRow kept = CallAudit.byRequestId(gw.gateway(), failed.header("X-Keyward-Request-Id"));
        assertTrue(kept.reason().contains("reservation kept"), kept.reason());
        assertEquals("11.00", spend(key).get("spent_usd").asText(), "on a 5xx the vendor may have acted: the money stays counted");
    }

    @Test
    void anSdkRetryWithTheSameIdempotencyKeyIsCountedOnce() throws Exception {
        String key = issue("50.00");
        Capture first = Capture.load("013-stripe-client-retry-500-then-ok");
        Capture retry = Capture.load("014-stripe-client-retry-500-then-ok");
        assertEquals(first.header("Idempotency-Key"), retry.header("Idempotency-Key"));

        vendorAnswers(first.replyStatus(), new String(first.replyBody(), StandardCharsets.UTF_8));
        RawHttp.Response r1 = RawHttp.send(gw.port(), first.replayBytes("Bearer " + key, gw.port()));
        assertEquals(500, r1.status());
        vendorAnswers(retry.replyStatus(), new String(retry.replyBody(), StandardCharsets.UTF_8));
        RawHttp.Response r2 = RawHttp.send(gw.port(), retry.replayBytes("Bearer " + key, gw.port()));
        assertEquals(200, r2.status(), r2.bodyText());

        assertEquals("7.00", spend(key).get("spent_usd").asText(), "amount=700 usd, once");
        CallRow second = CallAudit.byRequestId(gw.gateway(), r2.header("X-Keyward-Request-Id"));
        assertTrue(second.reason().startsWith("idempotent retry"), second.reason());

        RawHttp.Response reused = post(key, "/v1/payment_intents", "amount=9999&currency=usd", first.header("Idempotency-Key"));
        assertEquals(400, reused.status(), "the same Idempotency-Key for a different request is refused");
        assertTrue(reused.bodyText().contains("denied_malformed"));
    }

    @Test
    void aCostThatCannotBeReadIsRefusedByDefault() throws Exception {
        String key = issue("50.00");
        RawHttp.Response refund = post(key, "/v1/refunds", "charge=ch_1", null);
        assertEquals(403, refund.status());
        assertTrue(refund.bodyText().contains("denied_spend_cap"));
        assertEquals("spend.unknown_cost", CallAudit.byRequestId(gw.gateway(), refund.header("X-Keyward-Request-Id")).rule());
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void aKeyWithoutACapCannotMoveMoney() throws Exception {
        String key = issue(null);
        RawHttp.Response r = post(key, "/v1/payment_intents", "amount=1&currency=usd", null);
        assertEquals(403, r.status());
        assertEquals("spend.no_cap", CallAudit.byRequestId(gw.gateway(), r.header("X-Keyward-Request-Id")).rule());
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void twilioRetriesOfARefusedCallStayRefusedAndAreNever5xx() throws Exception {
        String key = gw.admin().issue("twilio", "notify", "\"daily_usd_cap\":\"0.005\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}")
                .get("key").asText();
        String basic = "Basic " + Base64.getEncoder().encodeToString((key + ":x").getBytes(StandardCharsets.UTF_8));
        for (String name : new String[] {"023-twilio-retry-503-create-message", "024-twilio-retry-503-create-message"}) {
            RawHttp.Response r = RawHttp.send(gw.port(), Capture.load(name).replayBytes(basic, gw.port()));
            assertEquals(429, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("denied_spend_cap"));
        }
        assertEquals(0, gw.vendor().received().size());
    }
}
