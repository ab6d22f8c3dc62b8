package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.key.VaultKeyFormat;
import io.keyward.store.CallRow;
import io.keyward.testing.RawHttp;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a call can be refused before it reaches the vendor: each case must answer the right
 * 4xx in the one JSON error shape, be audited with its code, send nothing to the vendor, and leak
 * neither a secret nor a stack trace.
 */
class RefusedCallTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Keys keys;

    /** Keys in each state, issued once for the whole table. */
    record Keys(String active, String revoked, String expired, String twilio) {
    }

    @BeforeAll
    static void start() throws Exception {
        String active = gw.admin().issue("stripe", "billing-agent", null).get("key").asText();
        JsonNode revoked = gw.admin().issue("stripe", "billing-agent", null);
        assertEquals(200, gw.admin().post("/keys/" + revoked.get("id").asText() + "/revoke", "{\"reason\":\"test\"}").status());
        JsonNode expired = gw.admin().issue("stripe", "billing-agent", null);
        expire(expired.get("id").asText());
        String twilio = gw.admin().issue("twilio", "notify-agent", null).get("key").asText();
        keys = new Keys(active, revoked.get("key").asText(), expired.get("key").asText(), twilio);
    }

    /** Moves a key's expiry into the past by the database clock, as time passing would. */
    private static void expire(String keyId) throws Exception {
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             PreparedStatement st = c.prepareStatement(
                     "UPDATE vault_keys SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ?")) {
            st.setString(1, keyId);
            assertEquals(1, st.executeUpdate());
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                refused("no Authorization header", k -> get("/stripe/v1/customers", List.of()), 401, "denied_unknown_key"),
                refused("empty Bearer", k -> get("/stripe/v1/customers", List.of("Bearer ")), 401, "denied_unknown_key"),
                refused("real vendor key instead of a vault key",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + TestSecrets.STRIPE)), 401, "denied_unknown_key"),
                refused("truncated vault key",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + k.active().substring(0, k.active().length() - 3))), 401, "denied_unknown_key"),
                refused("typo in vault key (checksum fails)",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + typo(k.active()))), 401, "denied_unknown_key"),
                refused("well-formed key nobody issued",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + VaultKeyFormat.compose("0000000000000000", "A".repeat(32)))), 401, "denied_unknown_key"),
                refused("right id, wrong secret, valid checksum",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + VaultKeyFormat.compose(k.active().substring(3, 19), "B".repeat(32)))), 401, "denied_unknown_key"),
                refused("Basic with no kw_ part",
                        k -> get("/stripe/v1/customers", List.of(basic(TestSecrets.STRIPE, ""))), 401, "denied_unknown_key"),
                refused("Basic that is not base64", k -> get("/stripe/v1/customers", List.of("Basic %%%not-base64")), 401, "denied_unknown_key"),
                refused("unsupported scheme", k -> get("/stripe/v1/customers", List.of("Digest username=\"" + k.active() + "\"")), 401, "denied_unknown_key"),
                refused("two Authorization headers",
                        k -> get("/stripe/v1/customers", List.of("Bearer " + k.active(), "Bearer " + k.active())), 400, "denied_malformed"),
                refused("revoked key", k -> get("/stripe/v1/customers", List.of("Bearer " + k.revoked())), 401, "denied_revoked"),
                refused("expired key", k -> get("/stripe/v1/customers", List.of("Bearer " + k.expired())), 401, "denied_expired"),
                refused("stripe key on the twilio route",
                        k -> get("/twilio/2010-04-01/Accounts/AC1/Messages.json", List.of(basic(k.active(), "x"))), 403, "denied_vendor"),
                refused("twilio key on the stripe route", k -> get("/stripe/v1/customers", List.of("Bearer " + k.twilio())), 403, "denied_vendor"),
                refused("method no vendor API uses",
                        k -> request("PROPFIND", "/stripe/v1/customers", List.of("Bearer " + k.active()), new byte[0]), 405, "denied_malformed"),
                refused("declared body over the limit",
                        k -> request("POST", "/stripe/v1/customers", List.of("Bearer " + k.active()), new byte[1024 * 1024 + 1]), 413, "denied_too_large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedAuditedAndNeverForwarded(String name, Function<Keys, byte[]> call, int status, String code) throws Exception {
        RawHttp.Response reply = RawHttp.send(gw.port(), call.apply(keys));

        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
        JsonNode error = JSON.readTree(reply.body()).get("error");
        assertNotNull(error, "the one JSON error shape");
        assertEquals("keyward_error", error.get("type").asText());
        assertEquals(code, error.get("code").asText());
        assertFalse(error.get("message").asText().isBlank());
        assertEquals(reply.header("X-Keyward-Request-Id"), error.get("request_id").asText());
        JsonNode root = JSON.readTree(reply.body());
        assertEquals(code + ": " + error.get("message").asText(), root.get("message").asText(), "where twilio-java and resend-java look");
        assertEquals(code, root.get("name").asText());
        assertEquals(reply.status(), root.get("status").asInt());
        assertEquals(reply.status(), root.get("statusCode").asInt(), "where Resend's SDKs look");
        assertEquals(reply.status(), root.get("code").asInt() / 100, "Twilio's SDKs read a number: status x 100 + a sequence");
        assertEquals("docs/errors.md#" + code, root.get("more_info").asText());

        assertEquals(0, gw.vendor().received().size(), "a refused call must never reach the vendor");
        String everything = reply.everything();
        for (String secret : TestSecrets.vendorSecrets()) {
            assertFalse(everything.contains(secret), "no real secret in the answer");
        }
        assertFalse(everything.contains(keys.active()), "the presented key is never echoed");
        assertFalse(everything.contains("Exception") || everything.contains("\tat "), "no stack trace");

        CallRow row = CallAudit.byRequestId(gw.gateway(), error.get("request_id").asText());
        assertEquals(code, row.policyCheckResult());
        assertEquals(null, row.upstreamStatus());
    }

    private static Arguments refused(String name, Function<Keys, byte[]> call, int status, String code) {
        return Arguments.of(name, call, status, code);
    }

    private static byte[] get(String path, List<String> authorization) {
        return request("GET", path, authorization, new byte[0]);
    }

    private static byte[] request(String method, String path, List<String> authorization, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        authorization.forEach(a -> head.append("Authorization: ").append(a).append("\r\n"));
        if (body.length > 0 || method.equals("POST")) {
            head.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String typo(String key) {
        char[] chars = key.toCharArray();
        int i = 25;
        chars[i] = chars[i] == 'a' ? 'b' : 'a';
        return new String(chars);
    }
}
