package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runaway guards: the loop breaker, its auto-revoke, and the per-key rate limit. */
class GuardsTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  rate_per_minute: 12\n  loop_max_repeats: 3\n  loop_window: 60s\n  loop_revoke_after: 2\n");
    private static final String POLICY = "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"},"
            + "{\"operation\":\"customers.retrieve\"}]}";

    private static RawHttp.Response pay(String key, String body, String idempotencyKey) throws Exception {
        String head = "POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n"
                + (idempotencyKey == null ? "" : "Idempotency-Key: " + idempotencyKey + "\r\n") + "\r\n" + body;
        return RawHttp.send(gw.port(), head.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSameCallAFourthTimeIsALoopAndTheSecondLoopRevokesTheKey() throws Exception {
        String key = gw.admin().issue("stripe", "looper", POLICY).get("key").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, pay(key, "amount=100&currency=usd", "attempt-" + i).status());
        }
        RawHttp.Response loop = pay(key, "currency=usd&amount=100", "attempt-3");
        assertEquals(429, loop.status(), "the same call in another field order is the same call");
        assertTrue(loop.bodyText().contains("\"code\":\"denied_loop\""));
        assertNotNull(loop.header("Retry-After"));
        assertEquals(3, gw.vendor().received().size());

        assertEquals(200, pay(key, "amount=101&currency=usd", null).status(), "a different call is not the loop");

        RawHttp.Response second = pay(key, "amount=100&currency=usd", "attempt-4");
        assertEquals(429, second.status());
        assertTrue(second.bodyText().contains("now revoked"), second.bodyText());
        assertEquals("revoked", gw.admin().get("/keys/" + key.substring(3, 19)).json().get("state").asText());
        RawHttp.Response after = pay(key, "amount=5&currency=usd", null);
        assertEquals(401, after.status());
        assertTrue(after.bodyText().contains("denied_revoked"));
    }

    @Test
    void anSdkRetryWithTheSameIdempotencyKeyIsNotALoop() throws Exception {
        String key = gw.admin().issue("stripe", "retrier", POLICY).get("key").asText();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, pay(key, "amount=100&currency=usd", "same-key").status(), "retry " + i);
        }
    }

    @Test
    void callsOverTheRateAreRefusedAtOnce() throws Exception {
        String key = gw.admin().issue("stripe", "reader", POLICY).get("key").asText();
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 15; i++) {
            RawHttp.Response r = RawHttp.send(gw.port(), ("GET /stripe/v1/customers/cus_" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            if (r.status() == 200) {
                ok++;
            } else {
                assertEquals(429, r.status());
                assertTrue(r.bodyText().contains("denied_rate_limit"));
                limited++;
            }
        }
        assertEquals(12, ok, "12 calls a minute");
        assertEquals(3, limited);
    }
}
