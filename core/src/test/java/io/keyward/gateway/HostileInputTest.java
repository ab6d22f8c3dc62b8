package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.RawHttp;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input through a real gateway: each case is written as raw HTTP, and each must be refused
 * with the right status and code, be audited, reach the fake vendor not at all, and leak no secret.
 * The keys hold the restricted-scope issue's example policy.
 */
class HostileInputTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    /** Marks a case the servlet container refuses before Keyward sees it. */
    private static final String CONTAINER = "container";
    private static final String OK_INTENT = "amount=100&currency=usd&customer=cus_123";
    private static final String TWILIO = "/twilio/2010-04-01/Accounts/AC1/Messages.json";
    private static Map<String, String> keys;

    /** One hostile request. {@code vendor} picks the key; {@code {KEY}} in headers is replaced by it. */
    record Case(String name, String vendor, String method, String target, List<String> headers, byte[] body,
                 int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        AdminClient admin = new AdminClient(gw.gateway().baseUrl(), TestSecrets.ADMIN_TOKEN);
        String policy = "\"daily_usd_cap\":\"1000.00\",\"policy\":" + io.keyward.policy.PolicyCheckTestAccess.EXAMPLE;
        keys = Map.of(
                "stripe", gw.admin().issue("stripe", "hostile", policy).get("key").asText(),
                "twilio", gw.admin().issue("twilio", "hostile", policy).get("key").asText(),
                "resend", gw.admin().issue("resend", "hostile", policy).get("key").asText());
    }

    static Stream<Case> cases() throws Exception {
        List<Case> c = new ArrayList<>();
        // Bodies over the limit, declared or not, on each gw.vendor().
        c.add(post("declared body over 1 MiB", "stripe", "/stripe/v1/payment_intents", FORM, new byte[1024 * 1024 + 1], 413, "denied_too_large"));
        c.add(post("declared body of 8 MiB", "stripe", "/stripe/v1/payment_intents", FORM, new byte[8 * 1024 * 1024], 413, "denied_too_large"));
        c.add(post("JSON body over 1 MiB", "resend", "/resend/emails", "application/json", new byte[1024 * 1024 + 10], 413, "denied_too_large"));
        c.add(post("Twilio form over 1 MiB", "twilio", TWILIO, FORM, new byte[1024 * 1024 + 1], 413, "denied_too_large"));
        c.add(new Case("chunked body over 1 MiB", "stripe", "POST", "/stripe/v1/payment_intents",
                List.of("Content-Type: " + FORM, "Transfer-Encoding: chunked"), chunked(new byte[1024 * 1024 + 100]), 413, "denied_too_large"));
        // Compressed request bodies (decoding is off by default).
        for (String enc : List.of("gzip", "x-gzip", "deflate", "br", "gzip, identity", "compress")) {
            byte[] body = enc.contains("deflate") ? deflate(OK_INTENT) : gzip(OK_INTENT);
            c.add(new Case("Content-Encoding: " + enc, "stripe", "POST", "/stripe/v1/payment_intents",
                    List.of("Content-Type: " + FORM, "Content-Encoding: " + enc), body, 415, "denied_malformed"));
        }
        // Content-Types the operation does not take.
        c.add(post("JSON to a Stripe v1 operation", "stripe", "/stripe/v1/payment_intents", "application/json", "{\"amount\":100}", 415, "denied_malformed"));
        c.add(post("form to Resend", "resend", "/resend/emails", FORM, "from=billing%40example.com", 415, "denied_malformed"));
        c.add(post("text/plain", "stripe", "/stripe/v1/payment_intents", "text/plain", OK_INTENT, 415, "denied_malformed"));
        c.add(post("no Content-Type", "stripe", "/stripe/v1/payment_intents", null, OK_INTENT, 415, "denied_malformed"));
        c.add(post("latin-1 charset", "stripe", "/stripe/v1/payment_intents", FORM + "; charset=ISO-8859-1", OK_INTENT, 415, "denied_malformed"));
        c.add(post("multipart", "stripe", "/stripe/v1/payment_intents", "multipart/form-data; boundary=x", "--x--", 415, "denied_malformed"));
        c.add(post("JSON to Twilio", "twilio", TWILIO, "application/json", "{\"To\":\"+15551234567\"}", 415, "denied_malformed"));
        // Bodies that do not parse, or parse two ways.
        c.add(post("bad percent-encoding", "stripe", "/stripe/v1/payment_intents", FORM, "amount=%zz", 400, "denied_malformed"));
        c.add(post("truncated percent-encoding", "stripe", "/stripe/v1/payment_intents", FORM, "amount=10%", 400, "denied_malformed"));
        c.add(post("invalid UTF-8 in form", "stripe", "/stripe/v1/payment_intents", FORM, "customer=cus_%C3", 400, "denied_malformed"));
        c.add(post("overlong UTF-8 in form", "stripe", "/stripe/v1/payment_intents", FORM, "customer=%C0%AF", 400, "denied_malformed"));
        c.add(post("unbalanced bracket ]", "stripe", "/stripe/v1/payment_intents", FORM, "transfer_data]destination[=acct_1", 400, "denied_malformed"));
        c.add(post("unbalanced bracket [", "stripe", "/stripe/v1/payment_intents", FORM, "transfer_data[destination=acct_1", 400, "denied_malformed"));
        c.add(post("nameless parameter", "stripe", "/stripe/v1/payment_intents", FORM, "=100&" + OK_INTENT, 400, "denied_malformed"));
        c.add(post("JSON with a repeated key", "resend", "/resend/emails", "application/json",
                "{\"from\":\"billing@example.com\",\"to\":[\"a@example.com\"],\"to\":[\"x@evil.com\"]}", 400, "denied_malformed"));
        c.add(post("truncated JSON", "resend", "/resend/emails", "application/json", "{\"from\":\"billing@example.com\"", 400, "denied_malformed"));
        c.add(post("JSON scalar", "resend", "/resend/emails", "application/json", "\"billing@example.com\"", 400, "denied_malformed"));
        c.add(post("JSON with trailing data", "resend", "/resend/emails", "application/json", "{}{\"to\":\"x@evil.com\"}", 400, "denied_malformed"));
        c.add(post("JSON nested 40 deep", "resend", "/resend/emails", "application/json", "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}", 400, "denied_malformed"));
        c.add(post("invalid UTF-8 in JSON", "resend", "/resend/emails", "application/json", bytes("{\"from\":\"billing@example.com\u00C3\"}"), 400, "denied_malformed"));
        // Parameter pollution on inspected parameters.
        c.add(post("amount twice, different values", "stripe", "/stripe/v1/payment_intents", FORM, "amount=100&amount=999999&currency=usd&customer=cus_123", 400, "denied_malformed"));
        c.add(post("customer twice, different values", "stripe", "/stripe/v1/payment_intents", FORM, "customer=cus_123&" + OK_INTENT.replace("customer=cus_123", "customer=cus_999"), 400, "denied_malformed"));
        c.add(post("amount in query and body", "stripe", "/stripe/v1/payment_intents?amount=100", FORM, OK_INTENT, 400, "denied_malformed"));
        c.add(post("currency in query only", "stripe", "/stripe/v1/payment_intents?currency=eur", FORM, "amount=100&customer=cus_123&currency=usd", 400, "denied_malformed"));
        c.add(post("encoded name repeats a field", "stripe", "/stripe/v1/payment_intents", FORM, OK_INTENT + "&%61mount=999999", 400, "denied_malformed"));
        c.add(post("Twilio To and to", "twilio", TWILIO, FORM, "To=%2B15551234567&to=%2B447700900123&Body=x", 400, "denied_malformed"));
        c.add(get("path variable and query name the same parameter", "stripe", "/stripe/v1/customers/cus_123?id=cus_999", 400, "denied_malformed"));
        c.add(post("Resend from in query and body", "resend", "/resend/emails?from=ceo%40example.com", "application/json",
                "{\"from\":\"billing@example.com\",\"to\":[\"a@example.com\"]}", 400, "denied_malformed"));
        // Paths that climb, hide separators or could be read two ways.
        for (String path : List.of("/stripe/v1/customers/cus_123%2F..%2F..%2Fpayouts", "/stripe/v1/customers/cus_123%2fx",
                "/stripe/v1/customers/cus%5C123", "/stripe/v1/customers/cus%5c123", "/stripe/v1/../v1/customers/cus_123",
                "/stripe/v1/./customers/cus_123", "/stripe/v1/customers/%2e%2e", "/stripe/v1/customers/%2E%2E/cus_123",
                "/stripe/v1/customers/cus_123;jsessionid=1", "/stripe/v1/customers;x/cus_123", "/stripe/v1//customers/cus_123",
                "/stripe/v1/customers/cus_123%0A", "/stripe/v1/customers/cus_123%0d%0aX:1",
                "/stripe/v1/customers/%C0%AF", "/stripe/v1/customers/cus_%ff", "/stripe/v1/customers/cus_123%252F",
                "/stripe/v1/customers/cus_123%7F")) {
            c.add(get("path " + path.substring("/stripe/v1".length()), "stripe", path, 400, "denied_malformed"));
        }
        // Jetty's URI parser refuses these itself, before any filter runs: still a 400 and nothing forwarded,
        // but the container's answer, so there is no audit row.
        for (String path : List.of("/stripe/v1/customers/cus_123%00", "/stripe/v1/customers/cus_%zz")) {
            c.add(get("path " + path.substring("/stripe/v1".length()) + " (refused by the container)", "stripe", path, 400, CONTAINER));
        }
        // Method overrides.
        for (String h : List.of("X-HTTP-Method-Override", "X-Method-Override", "X-HTTP-Method")) {
            c.add(new Case(h, "stripe", "POST", "/stripe/v1/payment_intents", List.of("Content-Type: " + FORM, h + ": DELETE"),
                    bytes(OK_INTENT), 400, "denied_malformed"));
        }
        c.add(get("_method in the query", "stripe", "/stripe/v1/customers/cus_123?_method=DELETE", 400, "denied_malformed"));
        c.add(post("_method in the body", "stripe", "/stripe/v1/payment_intents", FORM, OK_INTENT + "&_method=DELETE", 400, "denied_malformed"));
        // Methods outside the catalog.
        for (String m : List.of("TRACE", "OPTIONS", "PROPFIND", "HEAD", "MKCOL")) {
            c.add(new Case("method " + m, "stripe", m, "/stripe/v1/customers/cus_123", List.of(), new byte[0], 405, "denied_malformed"));
        }
        // Headers.
        c.add(new Case("second Authorization header", "stripe", "GET", "/stripe/v1/customers/cus_123",
                List.of("Authorization: Bearer " + TestSecrets.STRIPE), new byte[0], 400, "denied_malformed"));
        // Outside the policy.
        c.add(post("operation the policy does not name", "stripe", "/stripe/v1/refunds", FORM, "amount=1", 403, "denied_operation"));
        c.add(post("unknown Stripe path", "stripe", "/stripe/v1/admin_tools", FORM, "a=1", 403, "denied_operation"));
        c.add(post("amount above the maximum", "stripe", "/stripe/v1/payment_intents", FORM, OK_INTENT.replace("100", "5001"), 403, "denied_parameter"));
        c.add(post("transfer destination", "stripe", "/stripe/v1/payment_intents", FORM, OK_INTENT + "&transfer_data%5Bdestination%5D=acct_1", 403, "denied_parameter"));
        c.add(post("MMS from a no-media policy", "twilio", TWILIO, FORM, "To=%2B15551234567&MediaUrl=https%3A%2F%2Fx.test%2Fa.png", 403, "denied_parameter"));
        c.add(post("recipient outside the domain", "resend", "/resend/emails", "application/json",
                "{\"from\":\"billing@example.com\",\"to\":[\"a@example.com\",\"x@evil.com\"]}", 403, "denied_parameter"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedAuditedAndNeverForwarded(Case c) throws Exception {
        RawHttp.Response reply = RawHttp.send(gw.port(), raw(c));

        assertEquals(c.status(), reply.status(), reply.bodyText());
        if (c.code().equals(CONTAINER)) {
            assertEquals(0, gw.vendor().received().size());
            assertFalse(reply.everything().contains(keys.get(c.vendor())));
            return;
        }
        String requestId = reply.header("X-Keyward-Request-Id");
        if (!c.method().equals("HEAD")) {
            JsonNode error = JSON.readTree(reply.body()).get("error");
            assertEquals(c.code(), error.get("code").asText(), reply.bodyText());
            assertEquals(requestId, error.get("request_id").asText());
        }
        assertEquals(0, gw.vendor().received().size(), "a refused call never reaches the vendor");
        for (String secret : TestSecrets.vendorSecrets()) {
            assertFalse(reply.everything().contains(secret));
        }
        assertFalse(reply.everything().contains(keys.get(c.vendor())), "the vault key is never echoed");
        assertFalse(reply.everything().contains("\tat "), "no stack trace");
        CallRow row = CallAudit.byRequestId(gw.gateway(), requestId);
        assertEquals(c.code(), row.policyCheckResult());
        if (!c.name().startsWith("second Authorization")) {
            assertTrue(row.keyId() != null, "the refusal is attributed to the key");
        }
    }

    private static byte[] raw(Case c) {
        StringBuilder head = new StringBuilder(c.method() + " " + c.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        head.append("Authorization: Bearer ").append(keys.get(c.vendor())).append("\r\n");
        boolean chunked = false;
        for (String h : c.headers()) {
            head.append(h).append("\r\n");
            chunked |= h.startsWith("Transfer-Encoding");
        }
        if (!chunked && (c.body().length > 0 || c.method().equals("POST"))) {
            head.append("Content-Length: ").append(c.body().length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(c.body());
        return out.toByteArray();
    }

    private static Case post(String name, String vendorName, String target, String contentType, String body, int status, String code) {
        return post(name, vendorName, target, contentType, bytes(body), status, code);
    }

    private static Case post(String name, String vendorName, String target, String contentType, byte[] body, int status, String code) {
        return new Case(name, vendorName, "POST", target, contentType == null ? List.of() : List.of("Content-Type: " + contentType), body, status, code);
    }

    private static Case get(String name, String vendorName, String target, int status, String code) {
        return new Case(name, vendorName, "GET", target, List.of(), new byte[0], status, code);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 32 * 1024) {
            int n = Math.min(32 * 1024, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] deflate(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
