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

    /**
     * A writer of the database puts an older sealed secret back: over the newer version it does not
     * decrypt (a new node refuses to start), and with its own older version a node that has seen the
     * newer one refuses it (503, nothing sent with the old secret).
     */
    @Test
    void anOlderSealedSecretPutBackIsRefused() throws Exception {
        rotate("twilio", "twilio_old_secret_0000000000000000");
        byte[][] old;
        long oldVersion;
        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT nonce, ciphertext, version FROM vendor_secrets WHERE vendor = 'twilio'")) {
            assertTrue(rs.next());
            old = new byte[][] {rs.getBytes(1), rs.getBytes(2)};
            oldVersion = rs.getLong(3);
        }
        rotate("twilio", "twilio_new_secret_1111111111111111");
        String key = nodes.admin().issue("twilio", "rotator", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.list\"}]}")
                .get("key").asText();
        String list = "GET /twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n";
        assertEquals(200, RawHttp.send(nodes.nodeA().port(), list.getBytes(StandardCharsets.UTF_8)).status(), "node A uses the newer secret");

        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             java.sql.PreparedStatement put = c.prepareStatement("UPDATE vendor_secrets SET nonce = ?, ciphertext = ? WHERE vendor = 'twilio'")) {
            put.setBytes(1, old[0]);
            put.setBytes(2, old[1]);
            assertEquals(1, put.executeUpdate());
        }
        String url = nodes.nodeA().keyward().config().database().url();
        IllegalStateException swapped = assertThrows(IllegalStateException.class, () -> TestGateway.start(url, "http://127.0.0.1:1", MASTER));
        assertTrue(swapped.getMessage().contains("does not decrypt"), swapped.getMessage());

        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             java.sql.PreparedStatement back = c.prepareStatement("UPDATE vendor_secrets SET version = ? WHERE vendor = 'twilio'")) {
            back.setLong(1, oldVersion);
            assertEquals(1, back.executeUpdate());
        }
        nodes.awaitRevokePoll();
        nodes.vendor().reset();
        RawHttp.Response refused = RawHttp.send(nodes.nodeA().port(), list.getBytes(StandardCharsets.UTF_8));
        assertEquals(503, refused.status(), refused.bodyText());
        assertEquals(0, nodes.vendor().received().size(), "nothing is sent with the older secret");
    }

    /** A row sealed before sql/V7 (for the vendor alone) still opens, and is sealed again for its version at once. */
    @Test
    void aRowSealedBeforeVersionsIsSealedAgainWhenANodeOpensIt() throws Exception {
        byte[] nonce = new byte[12];
        javax.crypto.Cipher legacy = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        byte[] master = java.util.Base64.getDecoder().decode("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=");
        legacy.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(master, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        legacy.updateAAD("resend".getBytes(StandardCharsets.UTF_8));
        byte[] sealed = legacy.doFinal("re_legacySealedQ4Wn8Zx1Lp6Vb3".getBytes(StandardCharsets.UTF_8));
        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             java.sql.PreparedStatement put = c.prepareStatement("REPLACE INTO vendor_secrets (vendor, master_key_id, nonce, ciphertext,"
                     + " version, sealed_for, updated_at) VALUES ('resend', 'k1', ?, ?, 40, 'vendor', UTC_TIMESTAMP(6))")) {
            put.setBytes(1, nonce);
            put.setBytes(2, sealed);
            put.executeUpdate();
        }
        try (TestGateway fresh = TestGateway.start(nodes.nodeA().keyward().config().database().url(), nodes.vendor().baseUrl(), MASTER);
             Connection c = fresh.keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT version, sealed_for FROM vendor_secrets WHERE vendor = 'resend'")) {
            assertTrue(rs.next());
            assertEquals(41, rs.getLong(1), "sealed again, as the next version");
            assertEquals("vendor+version", rs.getString(2));
            assertEquals("re_legacySealedQ4Wn8Zx1Lp6Vb3", fresh.keyward().vendorSecrets().current("resend", 41L).reveal());
        }
    }

    private static void rotate(String vendor, String secret) throws Exception {
        var reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(nodes.nodeA().baseUrl() + "/admin/vendors/" + vendor + "/secret"))
                .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"secret\":\"" + secret + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
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
