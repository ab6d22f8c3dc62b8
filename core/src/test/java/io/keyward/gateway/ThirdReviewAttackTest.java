package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Third outside review (issue 13): each test is an attack and passes only if Keyward resists it.
 *
 * <p>Each of these succeeded before its fix: v1-v4 (a vault key reaching the vendor as a parameter
 * name: percent-encoded form and query names, a JSON-escaped object key), u1 (a neighbour's junk
 * locking out a valid agent whose key this node had not cached), u2 (a known key id with wrong
 * secrets neither limited nor aggregated: one audit row and one HMAC each), a1 (an admin token not
 * yet used on this node locked out of the kill switch), a2 (an over-long key_id answered 503).
 *
 * <p>Checks that held in the review, kept so a regression shows (names contain "held"): v5, u3.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThirdReviewAttackTest {
    private static final String MASTER_KEY = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    private static final String MASTER = "secrets:\n  master_key_id: k1\n  master_keys:\n    k1: \"" + MASTER_KEY + "\"\n";
    private static final String GUARDS = "guards:\n  unauthenticated_per_second: 2\n  loop_max_repeats: 100000\n"
            + "  rate_per_second: 100000\n  rate_per_minute: 1000000\n";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension(GUARDS + MASTER);
    private static final AgentCalls calls = new AgentCalls(gw, "reviewer3");

    // ---------------------------------------------------------------------------------------------
    // (v) A vault key reaching the vendor
    // ---------------------------------------------------------------------------------------------

    private static void vendorOk() {
        gw.vendor().reset();
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"x\"}")));
    }

    /** What the vendor received, decoded as the vendor decodes it (URL, form, JSON). */
    private static String vendorSaw() throws Exception {
        StringBuilder out = new StringBuilder();
        for (LoggedRequest r : gw.vendor().received()) {
            out.append(URLDecoder.decode(r.getUrl().replace("+", "%2B"), StandardCharsets.UTF_8)).append('\n');
            String body = r.getBodyAsString();
            out.append(body).append('\n');
            out.append(URLDecoder.decode(body.replace("+", "%2B"), StandardCharsets.UTF_8)).append('\n');
            if (body.startsWith("{")) {
                out.append(new ObjectMapper().readTree(body).toString()).append('\n');
            }
        }
        return out.toString();
    }

    private static void assertVendorNeverSaw(String otherKey, RawHttp.Response reply) throws Exception {
        String saw = vendorSaw();
        assertFalse(saw.contains(otherKey.substring(0, 20)),
                "answered " + reply.status() + " " + reply.bodyText() + "; the vendor received (decoded):\n" + saw);
    }

    private static String percentAll(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(String.format("%%%02X", (int) c));
        }
        return out.toString();
    }

    @Test
    @Order(1)
    void v1_aVaultKeyAsAPercentEncodedFormParameterNameIsRefused() throws Exception {
        vendorOk();
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\"}]}");
        String other = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        // The value check decodes values only; the raw-bytes check sees %6B, not k.
        RawHttp.Response reply = calls.send(key, "POST", "/stripe/v1/customers", FORM,
                "email=a%40example.com&metadata[" + percentAll("k") + other.substring(1) + "]=x");
        assertVendorNeverSaw(other, reply);
    }

    @Test
    @Order(2)
    void v2_aVaultKeyAsAPercentEncodedQueryParameterNameIsRefused() throws Exception {
        vendorOk();
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        String other = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        RawHttp.Response reply = calls.send(key, "GET", "/stripe/v1/customers?limit=3&" + percentAll("k") + other.substring(1) + "=1", null, null);
        assertVendorNeverSaw(other, reply);
    }

    @Test
    @Order(3)
    void v3_aVaultKeyAsAJsonEscapedObjectKeyIsRefused() throws Exception {
        vendorOk();
        String key = calls.key("resend", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}");
        String other = calls.key("resend", "\"daily_usd_cap\":\"1.00\"");
        // Resend's custom email headers are an object whose names the agent picks.
        String body = "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\",\"text\":\"t\","
                + "\"headers\":{\"\\u006b" + other.substring(1) + "\":\"x\"}}";
        RawHttp.Response reply = calls.send(key, "POST", "/resend/emails", JSON, body);
        assertVendorNeverSaw(other, reply);
    }

    @Test
    @Order(4)
    void v4_aVaultKeyAsAPercentEncodedTwilioFormNameIsRefused() throws Exception {
        vendorOk();
        String key = calls.key("twilio", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String other = calls.key("twilio", "\"daily_usd_cap\":\"1.00\"");
        RawHttp.Response reply = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json", FORM,
                "To=%2B15005550006&From=%2B15005550006&Body=hi&" + percentAll("k") + other.substring(1) + "=x");
        assertVendorNeverSaw(other, reply);
    }

    @Test
    @Order(5)
    void v5_held_escapedValuesAndPathSegmentsAreRefused() throws Exception {
        vendorOk();
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\"},{\"operation\":\"customers.retrieve\"}]}");
        String other = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        List<RawHttp.Response> replies = new ArrayList<>();
        replies.add(calls.send(key, "GET", "/stripe/v1/customers/" + percentAll("kw_") + other.substring(3), null, null));
        replies.add(calls.send(key, "POST", "/stripe/v1/customers", FORM, "email=a%40example.com&metadata[n]=" + percentAll("kw_") + other.substring(3)));
        String rk = calls.key("resend", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}");
        replies.add(calls.send(rk, "POST", "/resend/emails", JSON, "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"\\u006b"
                + other.substring(1) + "\",\"text\":\"t\"}"));
        for (RawHttp.Response r : replies) {
            assertEquals(400, r.status(), r.bodyText());
        }
        assertVendorNeverSaw(other, replies.get(0));
    }

    // ---------------------------------------------------------------------------------------------
    // (u) Unauthenticated traffic and the failed-auth limit
    // ---------------------------------------------------------------------------------------------

    private static void putAddressOverTheLimit() throws Exception {
        for (int i = 0; i < 12; i++) {
            calls.send(null, "GET", "/stripe/v1/customers/cus_1", null, null, "Authorization: Token junk" + i);
        }
    }

    @Test
    @Order(20)
    void u1_aNeighboursJunkDoesNotLockOutAValidAgentWhoseKeyIsNotCached() throws Exception {
        // Agents behind one address (a NAT, sidecars on loopback): one sends junk a few times a second.
        // A key this node has not read since the last change (newly issued, or any key after any
        // revoke/kill switch/rotation anywhere, which empties the cache) is refused 429 unread.
        Thread.sleep(2_500);
        vendorOk();
        String fresh = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        putAddressOverTheLimit();
        RawHttp.Response reply = calls.send(fresh, "GET", "/stripe/v1/customers/cus_1", null, null);
        assertEquals(200, reply.status(), "a valid, never-failed agent key was refused: " + reply.bodyText());
    }

    @Test
    @Order(21)
    void u2_wrongSecretsForAKnownKeyIdAreLimitedAndAggregated() throws Exception {
        // Key ids are public (logs, audit rows, kw_<id>_[redacted]); the checksum is a CRC anyone computes.
        // Past the limit, an id this node knows skips the limit: every guess costs an HMAC and one audit row.
        Thread.sleep(2_500);
        vendorOk();
        String mine = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        assertEquals(200, calls.send(mine, "GET", "/stripe/v1/customers/cus_1", null, null).status());
        String id = AgentCalls.idOf(mine);
        List<String> ids = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            String guess = io.keyward.key.VaultKeyFormat.compose(id, String.format("%032d", i));
            RawHttp.Response r = calls.send(guess, "GET", "/stripe/v1/customers/cus_" + "A".repeat(1500), null, null);
            ids.add(r.header("X-Keyward-Request-Id"));
            statuses.add(r.status());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int rows = calls.auditedRows(ids);
        long limited = statuses.stream().filter(s -> s == 429).count();
        assertTrue(rows <= 4 + 2 * Math.ceil(seconds),
                rows + " audit rows (each with a 1.5 KB path) for 100 wrong secrets of one known key id in " + seconds
                        + " s from one address; " + limited + " of them answered 429");
    }

    @Test
    @Order(22)
    void u3_held_aCachedValidAgentIsServedWhileTheAddressIsOver() throws Exception {
        Thread.sleep(2_500);
        vendorOk();
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        assertEquals(200, calls.send(key, "GET", "/stripe/v1/customers/cus_1", null, null).status());
        putAddressOverTheLimit();
        RawHttp.Response reply = calls.send(key, "GET", "/stripe/v1/customers/cus_1", null, null);
        assertEquals(200, reply.status(), reply.bodyText());
    }

    // ---------------------------------------------------------------------------------------------
    // (a) Admin API
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(30)
    void a1_aNeighbourCannotLockOutAKillTokenNotYetUsedOnThisNode() throws Exception {
        // An on-call engineer's own kill token, made on another node, made earlier but first used
        // now, or used before a restart: a neighbour's wrong tokens must not keep it out of the kill switch.
        Thread.sleep(2_500);
        String oncall = gw.admin().post("/tokens", "{\"name\":\"oncall-kill\",\"scopes\":[\"kill\"]}").json().get("token").asText();
        Thread.sleep(2_500);
        for (int i = 0; i < 10; i++) {
            calls.admin("wrong-" + i, "GET", "/keys", null);
        }
        HttpResponse<String> kill = calls.admin(oncall, "POST", "/revoke", "{\"agent_name\":\"runaway\",\"reason\":\"incident\"}");
        Thread.sleep(2_500);
        assertNotEquals(429, kill.statusCode(), "the on-call kill token answered " + kill.statusCode() + " " + kill.body());
    }

    @Test
    @Order(31)
    void a2_anOverlongKeyIdInARevokeIsA400() throws Exception {
        Thread.sleep(2_500);
        String farKeyCursor = Base64.getUrlEncoder().withoutPadding().encodeToString("253402300800.0:x".getBytes(StandardCharsets.UTF_8));
        String farKeyCursor2 = Base64.getUrlEncoder().withoutPadding().encodeToString("-62135596800.0:x".getBytes(StandardCharsets.UTF_8));
        String[][] probes = {
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"a\":1e999999}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"a\":-1e999999}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"a\":\"\\ud800\"}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"\\u0000\":\"\\u0000\"}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"a\":" + "9".repeat(2000) + "}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"metadata\":{\"a\":\"" + "\\ud83d\\ude00".repeat(2000) + "\"}}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"expires_in\":\"0s\"}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"expires_in\":\"-5d\"}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"daily_usd_cap\":\"99999999999999999999\"}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"daily_usd_cap\":\"0.0000000001\"}"},
                {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"x\",\"run_usd_cap\":\"99999999999999999999\"}"},
                {"POST", "/revoke", "{\"agent_name\":\"n\",\"reason\":\"" + "\\ud83d\\ude00".repeat(249) + "\"}"},
                {"POST", "/revoke", "{\"key_id\":\"" + "k".repeat(5000) + "\"}"},
                {"POST", "/revoke", "{\"agent_name\":\"n\",\"reason\":\"\\ud800\"}"},
                {"POST", "/keys/abcdefabcdefabcd/revoke", "{\"reason\":\"\\ud800x\"}"},
                {"GET", "/keys?cursor=" + farKeyCursor, null},
                {"GET", "/keys?cursor=" + farKeyCursor2, null},
                {"GET", "/keys?vendor=" + "v".repeat(5000), null},
                {"GET", "/keys?agent_run_id=" + "v".repeat(5000), null},
                {"GET", "/spend?key_id=" + "k".repeat(5000), null},
                {"GET", "/spend?key_id=abc&day=2000-01-01", null},
                {"GET", "/calls?since=0001-01-01T00:00:00Z", null},
                {"GET", "/calls?until=9999-12-31T23:59:59.999999999-18:00", null},
                {"GET", "/calls?since=1000-01-01T00:00:00%2B18:00", null},
                {"GET", "/calls?key_id=" + "k".repeat(5000) + "&vendor=" + "v".repeat(5000), null},
                {"GET", "/calls.ndjson?since=0001-01-01T00:00:00Z", null},
                {"GET", "/calls?cursor=" + Base64.getUrlEncoder().withoutPadding().encodeToString("c99999999999999999999".getBytes()), null},
                {"GET", "/keys?agent_name=%C3%28", null},
                {"POST", "/tokens", "{\"name\":\"a\",\"scopes\":[\"admin\",\"admin\"]}"},
                {"POST", "/tokens/%ZZ/revoke", "{}"},
                {"PUT", "/vendors/twilio/secret", "{\"secret\":\"" + "a".repeat(1000) + "\"}"},
                {"PUT", "/vendors/" + "v".repeat(3000) + "/secret", "{\"secret\":\"abcdefghijk\"}"},
                {"POST", "/runs/%C3%28/end", "{}"},
                {"POST", "/unfreeze", "{\"vendor\":\"stripe\",\"reason\":\"" + "r".repeat(600) + "\"}"},
        };
        List<String> bad = new ArrayList<>();
        for (String[] p : probes) {
            RawHttp.Response raw = calls.send(null, p[0], "/admin" + p[1], p[2] == null ? null : "application/json", p[2],
                    "Authorization: Bearer " + TestSecrets.ADMIN_TOKEN);
            if (raw.status() >= 500) {
                bad.add(raw.status() + " " + p[0] + " " + p[1].substring(0, Math.min(80, p[1].length())) + " "
                        + (p[2] == null ? "" : p[2].substring(0, Math.min(100, p[2].length()))));
            }
        }
        assertTrue(bad.isEmpty(), "admin input answered 5xx: " + bad);
    }
}
