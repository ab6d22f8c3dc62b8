package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shadow policies through a real gateway, MariaDB and a WireMock vendor: what only the policy would
 * refuse is forwarded and audited with the code it would have got; caps and revokes still refuse.
 */
class ShadowPolicyTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    /** Allows reading customers only: creating a payment intent is what the policy would refuse. */
    private static final String READ_CUSTOMERS = "\"allow\":[{\"operation\":\"customers.retrieve\"}]";

    private static JsonNode issue(String mode, String cap) throws Exception {
        String policy = "{" + (mode == null ? "" : "\"mode\":\"" + mode + "\",") + READ_CUSTOMERS + "}";
        return gw.admin().issue("stripe", "shadow-agent", "\"daily_usd_cap\":\"" + cap + "\",\"policy\":" + policy);
    }

    private static RawHttp.Response createIntent(JsonNode key, int amountCents) throws Exception {
        String body = "amount=" + amountCents + "&currency=usd";
        return RawHttp.send(gw.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key.get("key").asText() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    private static void vendorCharges(int amountCents) {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"payment_intent\",\"amount\":" + amountCents + ",\"currency\":\"usd\"}")));
    }

    @Test
    void aShadowKeysCallThePolicyWouldRefuseReachesTheVendorAndIsAuditedWithWhatItWouldHaveGot() throws Exception {
        vendorCharges(300);
        JsonNode key = issue("shadow", "50.00");
        RawHttp.Response reply = createIntent(key, 300);

        assertEquals(200, reply.status(), reply.bodyText());
        assertEquals(1, gw.vendor().received().size(), "forwarded to the vendor");
        CallRow row = CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
        assertEquals("allowed", row.policyCheckResult());
        assertEquals("denied_operation", row.shadowResult());
        assertEquals("default_deny", row.rule(), "the rule that would have refused it");
        assertEquals(0, new java.math.BigDecimal("3.00").compareTo(row.amountUsd()), "its spend is counted as for any call");

        JsonNode listed = gw.admin().get("/calls?key_id=" + key.get("id").asText()).json().get("items").get(0);
        assertEquals("denied_operation", listed.get("shadow_result").asText(), "the admin API shows it too");
    }

    @Test
    void aCallThePolicyAllowsHasNoShadowResult() throws Exception {
        JsonNode key = issue("shadow", "50.00");
        RawHttp.Response reply = RawHttp.send(gw.port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key.get("key").asText() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, reply.status(), reply.bodyText());
        CallRow row = CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
        assertEquals("allowed", row.policyCheckResult());
        assertEquals("allow[0]", row.rule());
        assertNull(row.shadowResult());
    }

    @Test
    void theSameCallOnAnEnforcingKeyIsRefused() throws Exception {
        vendorCharges(300);
        for (String mode : new String[] {"enforce", null}) {
            gw.vendor().reset();
            RawHttp.Response reply = createIntent(issue(mode, "50.00"), 300);
            assertEquals(403, reply.status(), reply.bodyText());
            assertTrue(reply.bodyText().contains("\"code\":\"denied_operation\""), reply.bodyText());
            assertEquals(0, gw.vendor().received().size(), "nothing reaches the vendor (mode " + mode + ")");
            CallRow row = CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
            assertEquals("denied_operation", row.policyCheckResult());
            assertNull(row.shadowResult());
        }
    }

    @Test
    void aShadowKeyOverItsSpendCapIsStillRefused() throws Exception {
        vendorCharges(300);
        JsonNode key = issue("shadow", "5.00");
        assertEquals(200, createIntent(key, 300).status(), "$3.00 fits under the $5.00 cap");
        RawHttp.Response over = createIntent(key, 300);

        assertEquals(429, over.status(), over.bodyText());
        assertTrue(over.bodyText().contains("\"code\":\"denied_spend_cap\""), over.bodyText());
        assertEquals(1, gw.vendor().received().size(), "the call over the cap never reaches the vendor");
        CallRow row = CallAudit.byRequestId(gw.gateway(), over.header("X-Keyward-Request-Id"));
        assertEquals("denied_spend_cap", row.policyCheckResult());
        assertEquals("spend.key_cap", row.rule());
        assertNull(row.shadowResult(), "refused by the cap: not a call the shadow policy let through");
    }

    @Test
    void aRevokedShadowKeyIsRefused() throws Exception {
        JsonNode key = issue("shadow", "50.00");
        assertEquals(200, gw.admin().post("/keys/" + key.get("id").asText() + "/revoke", "{}").status());
        RawHttp.Response reply = createIntent(key, 300);

        assertEquals(401, reply.status(), reply.bodyText());
        assertTrue(reply.bodyText().contains("\"code\":\"denied_revoked\""), reply.bodyText());
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void theAdminApiAcceptsAndReturnsTheMode() throws Exception {
        assertEquals("shadow", issue("shadow", "1.00").get("policy").get("mode").asText());
        JsonNode enforced = issue(null, "1.00");
        assertEquals("enforce", enforced.get("policy").get("mode").asText(), "a policy without a mode is enforced, and says so");
        assertEquals("enforce", gw.admin().get("/keys/" + enforced.get("id").asText()).json().get("policy").get("mode").asText());

        for (String bad : new String[] {"\"audit\"", "\"SHADOW\"", "true", "null"}) {
            AdminClient.Reply reply = gw.admin().post("/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"a\",\"policy\":{\"mode\":" + bad
                    + "," + READ_CUSTOMERS + "}}");
            if (bad.equals("null")) {
                assertEquals(201, reply.status(), "an explicit null is the default: " + reply.raw());
                continue;
            }
            assertEquals(400, reply.status(), reply.raw());
            JsonNode error = reply.json().get("error");
            assertEquals("invalid_request", error.get("code").asText());
            assertEquals("policy.mode", error.get("param").asText());
            assertTrue(error.get("message").asText().contains("\"enforce\" or \"shadow\""), error.get("message").asText());
        }
    }
}
