package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.store.CallRow;
import io.keyward.testing.Calls;
import io.keyward.testing.Capture;
import io.keyward.testing.Differential;
import io.keyward.testing.RawHttp;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every request captured from stripe-java, twilio-java and resend-java through a real
 * Keyward (embedded Jetty, real MariaDB) to a fake vendor, with the SDK's credential replaced by a
 * vault key. The vendor must receive the same request but for the credential swap, and the agent
 * must receive the vendor's answer unchanged.
 */
class CaptureReplayTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("spend:\n  unknown_cost_ceiling_usd: \"100.00\"\n");
    private static final Set<String> CHANGED_BY_KEYWARD = Set.of("authorization", "host", "connection", "content-length", "accept-encoding");

    static List<Capture.Case> captures() throws Exception {
        return Capture.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replayReachesTheVendorWithOnlyTheCredentialSwapped(Capture.Case c) throws Exception {
        String name = c.name();
        Capture capture = Capture.load(name);
        String vendorName = capture.target().split("/")[1];
        stubReply(capture);
        String key = gw.admin().issue(vendorName, "replay-agent", "\"agent_run_id\":\"run-" + name.substring(0, 3) + "\",\"daily_usd_cap\":\"1000.00\","
                + "\"policy\":{\"allow\":[{\"operation\":\"" + c.operation() + "\"}]" + accountRule(capture) + "}").get("key").asText();

        byte[] request = agentRequest(capture, vendorName, key);
        RawHttp.Response reply = RawHttp.send(gw.port(), request);

        // The agent gets the vendor's answer as the vendor sent it.
        assertEquals(capture.replyStatus(), reply.status(), reply.bodyText());
        assertArrayEquals(capture.replyBody(), decoded(reply), "the vendor's body must reach the agent unchanged");
        for (String[] h : capture.replyHeaders()) {
            if (!CHANGED_BY_KEYWARD.contains(h[0].toLowerCase(Locale.ROOT))) {
                assertSameHeader(h[0], h[1], reply.header(h[0]));
            }
        }
        String vendorRequestId = capture.replyHeaders().stream()
                .filter(h -> h[0].equalsIgnoreCase("Request-Id") || h[0].equalsIgnoreCase("Twilio-Request-Id"))
                .map(h -> h[1]).findFirst().orElse(null);
        String requestId = reply.header("X-Keyward-Request-Id");
        assertNotNull(requestId);

        // The vendor sees the SDK's request with the real credential and nothing of the vault key.
        List<LoggedRequest> received = gw.vendor().received();
        assertEquals(1, received.size(), "the vendor must see exactly one request");
        LoggedRequest seen = received.get(0);
        assertEquals(capture.method(), seen.getMethod().value());
        assertEquals(expectedUpstreamTarget(capture, vendorName), seen.getUrl());
        assertEquals(realCredential(vendorName), seen.getHeader("Authorization"));
        assertArrayEquals(capture.body(), seen.getBody(), "body must arrive byte for byte");
        for (String[] h : capture.headers()) {
            if (!CHANGED_BY_KEYWARD.contains(h[0].toLowerCase(Locale.ROOT))) {
                assertSameHeader(h[0], h[1], seen.getHeader(h[0]));
            }
        }
        // The vendor's own reading of what it received is what Keyward checked and priced.
        Calls.Parsed keywards = keywardsReading(capture);
        Differential.assertSameReading(keywards.route(), keywards.call(), seen);
        assertFalse(seen.getUrl().contains("kw_"), "vault key must not reach the vendor in the URL");
        assertFalse(new String(seen.getBody(), StandardCharsets.UTF_8).contains("kw_"));
        for (HttpHeader h : seen.getHeaders().all()) {
            assertFalse(h.firstValue().contains("kw_"), "vault key must not reach the vendor in " + h.key());
        }
        for (String secret : TestSecrets.vendorSecrets()) {
            assertFalse(reply.everything().contains(secret), "the agent must never see a real secret");
        }

        // One audit row, with the vendor's status and request id.
        CallRow row = CallAudit.byRequestId(gw.gateway(), requestId);
        assertEquals("allowed", row.policyCheckResult());
        assertEquals(c.operation(), row.operation(), "the catalog names the SDK's call");
        assertEquals("allow[0]", row.rule());
        assertEquals(vendorName, row.vendor());
        assertEquals(capture.replyStatus(), row.upstreamStatus());
        assertEquals("replay-agent", row.agentName());
        assertEquals("run-" + name.substring(0, 3), row.agentRunId());
        assertEquals(vendorName.equals("resend") ? null : vendorRequestId, row.upstreamRequestId());
        assertEquals(capture.header("Idempotency-Key"), row.idempotencyKey());
        assertFalse(row.path().contains("kw_"), "the audit row must not hold the vault key");
        assertTrue(row.metadata().contains("\"agent_run_id\":\"run-" + name.substring(0, 3) + "\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void aPolicyThatForbidsOneParameterRefusesTheReplay(Capture.Case c) throws Exception {
        Capture capture = Capture.load(c.name());
        String vendorName = capture.target().split("/")[1];
        stubReply(capture);
        String key = gw.admin().issue(vendorName, "replay-agent", "\"policy\":{\"allow\":[{\"operation\":\"" + c.operation()
                + "\",\"params\":" + c.forbiddingParams() + "}]" + accountRule(capture) + "}").get("key").asText();

        RawHttp.Response reply = RawHttp.send(gw.port(), agentRequest(capture, vendorName, key));

        assertEquals(403, reply.status(), reply.bodyText());
        assertTrue(reply.bodyText().contains("\"code\":\"denied_parameter\""), reply.bodyText());
        assertEquals(0, gw.vendor().received().size(), "a refused call never reaches the vendor");
        CallRow row = CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
        assertEquals("denied_parameter", row.policyCheckResult());
        assertEquals("allow[0].params." + c.forbiddingRule(), row.rule());
        assertEquals(c.operation(), row.operation());
    }

    /** The capture as the gateway's request step reads it (the same code, called directly). */
    private static Calls.Parsed keywardsReading(Capture capture) throws java.io.IOException {
        String target = capture.target();
        int q = target.indexOf('?');
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        capture.headers().forEach(h -> headers.put(h[0], h[1]));
        return Calls.parseAt(gw.vendor().baseUrl(), capture.method(), q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1), capture.header("Content-Type"), capture.body(), headers);
    }

    /** A capture sent on behalf of a connected account needs a policy that names that account. */
    private static String accountRule(Capture capture) {
        String account = capture.header("Stripe-Account");
        return account == null ? "" : ",\"stripe_account\":{\"in\":[\"" + account + "\"]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void aKeyWithoutPolicyMayOnlyRead(Capture.Case c) throws Exception {
        Capture capture = Capture.load(c.name());
        String vendorName = capture.target().split("/")[1];
        stubReply(capture);
        String key = gw.admin().issue(vendorName, "replay-agent", null).get("key").asText();

        RawHttp.Response reply = RawHttp.send(gw.port(), agentRequest(capture, vendorName, key));

        if (capture.method().equals("GET")) {
            assertEquals(capture.replyStatus(), reply.status(), reply.bodyText());
        } else {
            assertEquals(403, reply.status(), reply.bodyText());
            assertTrue(reply.bodyText().contains("\"code\":\"denied_operation\""), reply.bodyText());
            assertEquals(0, gw.vendor().received().size());
        }
    }

    /**
     * Header values must arrive unchanged, except that servlet containers re-spell Content-Type
     * (Jetty caches well-known values case-insensitively and drops the space before parameters);
     * media type and charset names are case-insensitive, so that is the same header.
     */
    private static void assertSameHeader(String name, String expected, String actual) {
        if (name.equalsIgnoreCase("Content-Type") && actual != null) {
            assertEquals(expected.replace(" ", "").toLowerCase(Locale.ROOT), actual.replace(" ", "").toLowerCase(Locale.ROOT),
                    "header " + name + " must arrive unchanged");
        } else {
            assertEquals(expected, actual, "header " + name + " must arrive unchanged");
        }
    }

    /**
     * The fake vendor compresses when the SDK accepts gzip (twilio-java and OkHttp do); Keyward
     * passes the compressed bytes through untouched, so the test inflates them to compare.
     */
    private static byte[] decoded(RawHttp.Response reply) throws java.io.IOException {
        if (!"gzip".equalsIgnoreCase(reply.header("Content-Encoding"))) {
            return reply.body();
        }
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(reply.body()))) {
            return in.readAllBytes();
        }
    }

    /** The capture as the agent would send it through Keyward, holding a vault key instead of the vendor key. */
    private static byte[] agentRequest(Capture capture, String vendorName, String key) {
        if (!vendorName.equals("twilio")) {
            return capture.replayBytes("Bearer " + key, gw.port());
        }
        String capturedUser = basicUser(capture.header("Authorization"));
        if (capturedUser.startsWith("SK")) {
            // API-key style: the key is the username, the account SID stays in the path.
            return capture.replayBytes(basic(key, "unused-secret"), gw.port());
        }
        // twilio-java puts its username (here the vault key) into /Accounts/{username}/ as well.
        Capture withKeyInPath = new Capture(capture.name(), capture.requestLine().replace(capturedUser, key),
                capture.headers(), capture.body(), capture.replyStatus(), capture.replyHeaders(), capture.replyBody());
        return withKeyInPath.replayBytes(basic(key, "unused-token"), gw.port());
    }

    private static String expectedUpstreamTarget(Capture capture, String vendorName) {
        String target = capture.target().substring(("/" + vendorName).length());
        if (vendorName.equals("twilio")) {
            target = target.replaceFirst("^/verify/", "/verify-host/")
                    .replaceFirst("/Accounts/AC[a-z0-9]+", "/Accounts/" + TestSecrets.TWILIO_ACCOUNT);
        }
        return target;
    }

    private static String realCredential(String vendorName) {
        return switch (vendorName) {
            case "stripe" -> "Bearer " + TestSecrets.STRIPE;
            case "resend" -> "Bearer " + TestSecrets.RESEND;
            default -> basic(TestSecrets.TWILIO_ACCOUNT, TestSecrets.TWILIO_TOKEN);
        };
    }

    private static void stubReply(Capture capture) {
        ResponseDefinitionBuilder reply = aResponse().withStatus(capture.replyStatus()).withBody(capture.replyBody());
        for (String[] h : capture.replyHeaders()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if (!lower.equals("content-length") && !lower.equals("connection")) {
                reply = reply.withHeader(h[0], h[1]);
            }
        }
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(reply));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String basicUser(String header) {
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        return decoded.substring(0, decoded.indexOf(':'));
    }
}
