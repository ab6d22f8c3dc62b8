package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.RawHttp;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import io.keyward.testing.TwoNodesExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rotating a vendor secret without a restart: stored encrypted, used from the next call on every
 * node, never shown back, and the old one still masked if a vendor echoes it.
 */
class SecretRotationTest {
    private static final String MASTER = "secrets:\n  master_key_id: k1\n  master_keys:\n    k1: \"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\"\n";
    @RegisterExtension
    static final TwoNodesExtension nodes = new TwoNodesExtension(MASTER);
    private static final String NEW_SECRET = "sk_test_ROTATEDq7Wn3Zx9Lp2Vb6Hm4Kd";

    private static int read(TestGateway node, String key) throws Exception {
        return RawHttp.send(node.port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)).status();
    }

    private static String lastAuthorization() {
        var received = nodes.vendor().received();
        return received.get(received.size() - 1).getHeader("Authorization");
    }

    @Test
    void aRotationOnOneNodeIsUsedByTheOtherFromItsNextRevokePoll() throws Exception {
        String key = nodes.admin().issue("stripe", "rotator", null).get("key").asText();
        assertEquals(200, read(nodes.nodeB(), key));
        assertEquals("Bearer " + TestSecrets.STRIPE, lastAuthorization());

        HttpClient http = HttpClient.newHttpClient();
        var reply = http.send(HttpRequest.newBuilder(java.net.URI.create(nodes.nodeA().baseUrl() + "/admin/vendors/stripe/secret"))
                .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"secret\":\"" + NEW_SECRET + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        assertFalse(reply.body().contains(NEW_SECRET.substring(8, 16)), "the secret is never shown back");

        nodes.awaitRevokePoll();
        assertEquals(200, read(nodes.nodeB(), key));
        assertEquals("Bearer " + NEW_SECRET, lastAuthorization(), "node B uses the new secret from its next revoke poll");
        assertEquals(200, read(nodes.nodeA(), key));
        assertEquals("Bearer " + NEW_SECRET, lastAuthorization());

        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT ciphertext, version FROM vendor_secrets WHERE vendor = 'stripe'")) {
            assertTrue(rs.next());
            assertFalse(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1).contains("ROTATED"), "stored encrypted");
            assertEquals(1, rs.getLong(2));
        }

        nodes.vendor().server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(401)
                        .withBody("old " + TestSecrets.STRIPE + " new " + NEW_SECRET)));
        RawHttp.Response echoed = RawHttp.send(nodes.nodeB().port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertFalse(echoed.bodyText().contains(TestSecrets.STRIPE.substring(10, 18)), "the old secret stays masked");
        assertFalse(echoed.bodyText().contains(NEW_SECRET.substring(10, 18)), "the new one is masked on every node");
    }

    @Test
    void aNodeWithTheWrongMasterKeyRefusesToStart() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(nodes.nodeA().baseUrl() + "/admin/vendors/resend/secret"))
                .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"secret\":\"re_rotatedZ8Nc5Vx2Mq7Wk\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        String url = nodes.nodeA().keyward().config().database().url();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestGateway.start(url,
                "http://127.0.0.1:1", "secrets:\n  master_key_id: k1\n  master_keys:\n    k1: \"AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\"\n"));
        assertTrue(e.getMessage().contains("does not decrypt with master key 'k1'"), e.getMessage());
    }

    @Test
    void rotationInputIsValidated() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] c : new String[][] {{"paypal", "{\"secret\":\"abcdefgh12\"}"}, {"stripe", "{\"secret\":\"short\"}"},
                {"stripe", "{\"secret\":\"has a space in it\"}"}, {"stripe", "{\"key\":\"abcdefgh12\"}"}}) {
            var reply = http.send(HttpRequest.newBuilder(java.net.URI.create(nodes.nodeA().baseUrl() + "/admin/vendors/" + c[0] + "/secret"))
                    .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofString(c[1])).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, reply.statusCode(), c[0] + " " + c[1] + " -> " + reply.body());
            assertFalse(reply.body().contains("abcdefgh12"));
        }
    }
}
