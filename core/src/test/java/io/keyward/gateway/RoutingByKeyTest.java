package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SDKs that can name only a host and port (stripe-node; stripe-python's {@code api_base} without a
 * prefix) send {@code /v1/...}: such a call goes to the vendor of the vault key it presents, under
 * exactly the same checks as the prefixed form. Whatever else reaches Keyward gets the JSON error
 * shape, never the container's HTML (which stripe-node resolves as a success).
 */
class RoutingByKeyTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "{\"allow\":[{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":5000}}}]}";
    private static String stripeKey;
    private static String twilioKey;

    @BeforeAll
    static void issue() throws Exception {
        stripeKey = gw.admin().issue("stripe", "node-agent", "\"daily_usd_cap\":\"100.00\",\"policy\":" + POLICY).get("key").asText();
        twilioKey = gw.admin().issue("twilio", "node-agent", null).get("key").asText();
    }

    @BeforeEach
    void vendorAnswers() {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\",\"amount\":60,\"currency\":\"usd\"}")));
    }

    private static RawHttp.Response send(String method, String path, String authorization, String body) throws Exception {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        return RawHttp.send(gw.port(), head.getBytes(StandardCharsets.UTF_8));
    }

    /** How stripe-node presents the key: Basic with the key as username. */
    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode error(RawHttp.Response reply, int status, String code) throws Exception {
        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
        JsonNode root = JSON.readTree(reply.body());
        assertEquals(code, root.get("error").get("code").asText(), reply.bodyText());
        assertEquals(code, root.get("name").asText());
        assertEquals(status, root.get("statusCode").asInt());
        assertTrue(root.get("code").isInt(), "Twilio's SDKs read a numeric code");
        return root;
    }

    @Test
    void aStripeKeyOnAnUnprefixedPathIsAStripeCallWithTheRealSecret() throws Exception {
        RawHttp.Response ok = send("POST", "/v1/payment_intents", basic(stripeKey), "amount=60&currency=usd");

        assertEquals(200, ok.status(), ok.bodyText());
        assertEquals(1, gw.vendor().received().size());
        assertEquals("/v1/payment_intents", gw.vendor().received().get(0).getUrl());
        assertEquals("Bearer " + TestSecrets.STRIPE, gw.vendor().received().get(0).getHeader("Authorization"));
        CallRow row = CallAudit.byRequestId(gw.gateway(), ok.header("X-Keyward-Request-Id"));
        assertEquals("stripe", row.vendor());
        assertEquals("allowed", row.policyCheckResult());
        assertEquals(0, row.estimatedUsd().compareTo(new java.math.BigDecimal("0.60")));
    }

    @Test
    void theKeysPolicyHoldsUnprefixedAsItDoesPrefixed() throws Exception {
        JsonNode over = error(send("POST", "/v1/payment_intents", basic(stripeKey), "amount=9000&currency=usd"), 403, "denied_parameter");
        assertEquals(40303, over.get("code").asInt());
        error(send("POST", "/v1/payouts", basic(stripeKey), "amount=1&currency=usd"), 403, "denied_operation");
        // A Twilio key's unprefixed call is Twilio's, and its key allows only reads there.
        error(send("POST", "/v1/payment_intents", basic(twilioKey), "amount=60&currency=usd"), 403, "denied_operation");

        assertEquals(0, gw.vendor().received().size(), "a refused call never reaches the vendor");
    }

    @Test
    void theVendorPrefixWinsOverTheKey() throws Exception {
        error(send("POST", "/twilio/v1/payment_intents", basic(stripeKey), "amount=60&currency=usd"), 403, "denied_vendor");
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void aMistypedKeyOnAnUnprefixedPathIsAnUnknownKeyAndAudited() throws Exception {
        String typo = stripeKey.substring(0, stripeKey.length() - 1) + (stripeKey.endsWith("A") ? "B" : "A");
        RawHttp.Response reply = send("POST", "/v1/payment_intents", basic(typo), "amount=60&currency=usd");
        error(reply, 401, "denied_unknown_key");
        assertEquals("denied_unknown_key", CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id")).policyCheckResult());
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void theAdminApiIsNeverRoutedToAVendorWhateverKeyIsPresented() throws Exception {
        error(send("GET", "/admin/keys", "Bearer " + stripeKey, ""), 401, "unauthorized");
        error(send("POST", "/admin/keys", basic(stripeKey), "{}"), 401, "unauthorized");
        assertEquals(0, gw.vendor().received().size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void whatKeywardDoesNotServeIsAJson404NeverTheContainersPage(String method) throws Exception {
        JsonNode root = error(send(method, "/v1/payment_intents", null, ""), 404, "not_found");
        assertEquals(40401, root.get("code").asInt());
        error(send(method, "/nothing/here", "Bearer not-a-vault-key", ""), 404, "not_found");
        error(send(method, "/v1/payment_intents", "Bearer " + TestSecrets.STRIPE, ""), 404, "not_found");
        assertEquals(0, gw.vendor().received().size());
    }
}
