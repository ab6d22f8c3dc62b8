package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.extension.responsetemplating.ResponseTemplateTransformer;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The masking-oracle attack, as an outside review made it: a key that may only read plants
 * candidate pieces of the real Stripe secret where Stripe echoes them ({@code No such customer:
 * '<id>'}) and watches which come back masked. Before, it recovered a random {@code sk_test_} secret
 * exactly in 33 requests. Now, within 5,000 requests and whatever it plants, nothing it sent is ever
 * masked: it learns no character past the public prefix. Also: the secrets a vendor echoes in the
 * spellings Keyward sent them in (HTTP Basic, URL-encoded, JSON-escaped) never reach the agent, and
 * an answer in an encoding Keyward cannot read is not passed on at all.
 */
class MaskingOracleTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension(
            "guards:\n  loop_max_repeats: 100000\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "oracle");
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String PUBLIC_PREFIX = "sk_test_";
    private static final int BUDGET = 5_000;

    private static void echoCustomerIds() {
        gw.vendor().server().stubFor(get(urlPathMatching("/v1/customers/.*")).atPriority(1).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"No such customer: '{{request.pathSegments.[2]}}'\",\"type\":\"invalid_request_error\"}}")
                .withTransformers(ResponseTemplateTransformer.NAME)));
    }

    /** Plants {@code guesses} in one read-only call and returns what came back in their place. */
    private static List<String> echo(String key, List<String> guesses) throws Exception {
        RawHttp.Response reply = calls.send(key, "GET", "/stripe/v1/customers/" + String.join("-", guesses), null, null);
        String body = reply.bodyText();
        int start = body.indexOf("No such customer: '") + "No such customer: '".length();
        assertTrue(start > 20, body);
        return List.of(body.substring(start, body.indexOf('\'', start)).split("-"));
    }

    @Test
    void anAgentPlantingCandidatesRecoversNoCharacterPastThePublicPrefixIn5000Calls() throws Exception {
        echoCustomerIds();
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        Random random = new Random(12);
        String known = PUBLIC_PREFIX;
        int used = 0;
        int masked = 0;
        // First the attack that once worked, extending what is known one character at a time with
        // windows of 8 to 24 characters; then, for the rest of the budget, guesses at whole runs of
        // the random part after the prefix, of every length up to a tile and beyond.
        for (int window = 8; window <= 24 && used < BUDGET; window += 4) {
            String context = known.substring(Math.max(0, known.length() - (window - 1)));
            List<String> guesses = new ArrayList<>();
            for (char c : ALPHABET.toCharArray()) {
                guesses.add(context + c);
            }
            List<String> back = echo(key, guesses);
            used++;
            for (int i = 0; i < back.size(); i++) {
                if (!back.get(i).equals(guesses.get(i))) {
                    masked++;
                    known += ALPHABET.charAt(i);
                }
            }
        }
        while (used < BUDGET) {
            List<String> guesses = new ArrayList<>();
            for (int g = 0; g < 40; g++) {
                StringBuilder guess = new StringBuilder(PUBLIC_PREFIX);
                int length = 1 + random.nextInt(32);
                for (int i = 0; i < length; i++) {
                    guess.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                guesses.add(guess.toString());
            }
            List<String> back = echo(key, guesses);
            used++;
            for (int i = 0; i < back.size(); i++) {
                masked += back.get(i).equals(guesses.get(i)) ? 0 : 1;
            }
        }
        assertEquals(BUDGET, used);
        assertEquals(0, masked, "nothing the agent planted came back masked");
        assertEquals(PUBLIC_PREFIX, known, "no character learnt past the public prefix in " + used + " calls");
    }

    @Test
    void aVendorEchoingTheBasicCredentialItWasSentNeverShowsItToTheAgent() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Echo", "{{request.headers.Authorization}}")
                .withBody("{\"message\":\"Authentication failed for {{request.headers.Authorization}}\"}")
                .withTransformers(ResponseTemplateTransformer.NAME)));
        String key = calls.key("twilio", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        RawHttp.Response reply = calls.send(key, "POST", "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json",
                "application/x-www-form-urlencoded", "To=%2B15551234567&Body=hi");
        String basic = Base64.getEncoder().encodeToString((TestSecrets.TWILIO_ACCOUNT + ":" + TestSecrets.TWILIO_TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(401, reply.status());
        assertEquals(basic, gw.vendor().received().get(0).getHeader("Authorization").substring("Basic ".length()), "the vendor got it");
        assertFalse(reply.everything().contains(basic.substring(basic.length() - 32)), reply.everything());
        assertTrue(reply.bodyText().contains("*".repeat(basic.length())), "masked, not dropped: " + reply.bodyText());
    }

    @Test
    void aSecretEchoedUrlEncodedOrJsonEscapedIsMasked() throws Exception {
        StringBuilder escaped = new StringBuilder();
        for (char c : TestSecrets.STRIPE.toCharArray()) {
            escaped.append(String.format("\\u%04x", (int) c));
        }
        String percent = TestSecrets.RESEND.replace("_", "%5F");
        gw.vendor().server().stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"a\":\"" + escaped + "\",\"b\":\"" + percent + "\",\"c\":\"" + TestSecrets.TWILIO_TOKEN + "\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        RawHttp.Response reply = calls.send(key, "GET", "/stripe/v1/customers/cus_1", null, null);
        assertEquals(200, reply.status());
        String body = reply.bodyText();
        assertFalse(body.contains(escaped.substring(60, 120)), body);
        assertFalse(body.contains(percent.substring(10)), body);
        assertFalse(body.contains(TestSecrets.TWILIO_TOKEN.substring(8)), body);
    }

    @Test
    void anAnswerInAnEncodingKeywardCannotReadIsNotPassedOn() throws Exception {
        byte[] twice = gzip(gzip(("{\"leak\":\"" + TestSecrets.STRIPE + "\"}").getBytes(StandardCharsets.UTF_8)));
        gw.vendor().server().stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Encoding", "gzip, gzip").withBody(twice)));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        RawHttp.Response reply = calls.send(key, "GET", "/stripe/v1/customers/cus_1", null, null);
        assertEquals(502, reply.status(), reply.bodyText());
        assertTrue(reply.bodyText().contains("\"code\":\"error_upstream\""));
        assertEquals("error_upstream", calls.audit(reply).policyCheckResult());
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
