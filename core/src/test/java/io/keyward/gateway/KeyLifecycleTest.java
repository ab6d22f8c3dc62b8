package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A key's life as an agent sees it: it works, then a revoke or its expiry stops the very next call. */
class KeyLifecycleTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    @BeforeEach
    void vendorAnswers() {
        gw.vendor().reset();
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"object\":\"list\"}")));
    }

    @Test
    void theCallAfterARevokeIsRefused() throws Exception {
        JsonNode issued = gw.admin().issue("stripe", "billing-agent", null);
        String key = issued.get("key").asText();
        assertEquals(200, call(key).status());

        gw.admin().post("/keys/" + issued.get("id").asText() + "/revoke", "{\"reason\":\"incident 7\"}");
        RawHttp.Response after = call(key);
        assertEquals(401, after.status());
        assertTrue(after.bodyText().contains("\"code\":\"denied_revoked\""));
        assertEquals(1, gw.vendor().received().size(), "only the call before the revoke reached the vendor");
        CallRow row = CallAudit.byRequestId(gw.gateway(), after.header("X-Keyward-Request-Id"));
        assertEquals("denied_revoked", row.policyCheckResult());
        assertEquals(issued.get("id").asText(), row.keyId());
    }

    @Test
    void aShortLivedKeyStopsWorkingWhenItExpires() throws Exception {
        String key = gw.admin().issue("stripe", "billing-agent", "\"expires_in\":\"1s\"").get("key").asText();
        assertEquals(200, call(key).status());
        Thread.sleep(1_200);
        RawHttp.Response after = call(key);
        assertEquals(401, after.status());
        assertTrue(after.bodyText().contains("\"code\":\"denied_expired\""));
        assertEquals(1, gw.vendor().received().size());
    }

    @Test
    void aBodyWithoutContentLengthIsCutOffAtTheLimit() throws Exception {
        String key = gw.admin().issue("stripe", "billing-agent", null).get("key").asText();
        StringBuilder chunked = new StringBuilder("POST /stripe/v1/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        String chunk = "a".repeat(64 * 1024);
        for (int i = 0; i < 17; i++) {
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        RawHttp.Response reply = RawHttp.send(gw.port(), chunked.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, reply.status());
        assertTrue(reply.bodyText().contains("\"code\":\"denied_too_large\""));
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    void anUnreachableVendorIsA502InTheErrorShape() throws Exception {
        String base;
        try (FakeVendor gone = new FakeVendor()) {
            base = gone.baseUrl();
        }
        try (TestGateway lonely = TestGateway.start(TestDatabase.fresh(), base, "")) {
            String key = new AdminClient(lonely.baseUrl(), TestSecrets.ADMIN_TOKEN).issue("stripe", "a", null).get("key").asText();
            RawHttp.Response reply = RawHttp.send(lonely.port(), get(key));
            assertEquals(502, reply.status());
            assertTrue(reply.bodyText().contains("\"code\":\"error_upstream\""), reply.bodyText());
            assertTrue(!reply.bodyText().contains(base), "the vendor address is not disclosed");
            assertEquals("error_upstream", CallAudit.byRequestId(lonely, reply.header("X-Keyward-Request-Id")).policyCheckResult());
        }
    }

    private static RawHttp.Response call(String key) throws Exception {
        return RawHttp.send(gw.port(), get(key));
    }

    private static byte[] get(String key) {
        return ("GET /stripe/v1/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
