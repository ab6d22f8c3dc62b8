package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.contract.Estimate;
import io.keyward.contract.Params;
import io.keyward.contract.Vendor;
import io.keyward.policy.PolicyCheckTestAccess;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.Calls;
import io.keyward.testing.Differential;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random encodings, repeats, nesting, casing and header mixes, sent through a real gateway to a
 * test vendor. Whatever Keyward lets through, the vendor's own reading of what arrived (the
 * reference readers) must be exactly what Keyward checked and priced, and must satisfy the policy
 * when read the vendor's way; whatever Keyward refuses never reaches the vendor, and is never a 5xx.
 */
class OneReadingPropertyTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String POLICY = PolicyCheckTestAccess.EXAMPLE.replaceFirst("\\{\"allow\": \\[",
            "{\"stripe_account\": {\"in\": [\"acct_ok\"]}, \"allow\": [");
    private static final Pattern US_NUMBER = Pattern.compile("\\+1[0-9]{10}");
    private static final String MESSAGES = "/twilio/2010-04-01/Accounts/" + TestSecrets.TWILIO_ACCOUNT + "/Messages.json";
    private static FakeVendor vendor;
    private static TestGateway gateway;
    private static Map<String, String> keys;
    /** Idempotency-Keys are unique per attempt: jqwik may run a sample twice, and a repeat would be a (free) replay. */
    private static final java.util.concurrent.atomic.AtomicLong ATTEMPTS = new java.util.concurrent.atomic.AtomicLong();

    @BeforeContainer
    static void start() throws Exception {
        vendor = new FakeVendor();
        gateway = TestGateway.start(TestDatabase.fresh(), vendor.baseUrl(), "");
        AdminClient admin = new AdminClient(gateway.baseUrl(), TestSecrets.ADMIN_TOKEN);
        keys = new LinkedHashMap<>();
        for (String v : List.of("stripe", "twilio", "resend")) {
            keys.put(v, admin.issue(v, "fuzz-" + v, "\"daily_usd_cap\":\"1000000.00\",\"policy\":" + POLICY).get("key").asText());
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        try (FakeVendor v = vendor; TestGateway g = gateway) {
            // the gateway first, then the vendor
        }
    }

    /** One generated call: what is sent, and the headers that go with it. */
    private record Attempt(String vendor, String method, String path, String query, String contentType, String body,
                           List<String> headers) {
        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " " + headers + " " + body;
        }
    }

    @Property(tries = 250)
    void stripePaymentIntents(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        List<String[]> fields = new ArrayList<>();
        // Mostly calls the policy allows, so that many are forwarded and checked against the vendor's reading.
        fields.add(new String[] {"amount", Long.toString(1 + r.nextInt(r.nextInt(8) == 0 ? 10_000 : 5_000))});
        fields.add(new String[] {"currency", r.nextInt(8) == 0 ? pick(r, "eur", "USD") : "usd"});
        fields.add(new String[] {"customer", r.nextInt(8) == 0 ? "cus_999" : pick(r, "cus_123", "cus_456")});
        if (r.nextInt(8) == 0) {
            fields.add(new String[] {"transfer_data[destination]", "acct_1"});
        }
        // Each call differs (the attempt number), so the loop breaker, which stops repeats, stays out of it.
        fields.add(new String[] {"metadata[note]", pick(r, "a b", "x&y=z", "ü €", "semi;colon", "plus+sign") + ATTEMPTS.incrementAndGet()});
        List<String> headers = new ArrayList<>();
        switch (r.nextInt(10)) {
            case 0 -> headers.add("Stripe-Account: acct_ok");
            case 1 -> headers.add("Stripe-Account: acct_evil");
            case 2 -> headers.addAll(List.of("Stripe-Account: acct_ok", "stripe-account: acct_evil"));
            case 3 -> headers.add(pick(r, "X-Forwarded-Host: evil.example", "X-Original-URL: /v1/payouts", "Forwarded: host=evil"));
            default -> {
            }
        }
        headers.add(pick(r, "Stripe-Version: 2026-07-29.dahlia", "Stripe-Version: bad", "Idempotency-Key: k" + ATTEMPTS.incrementAndGet(),
                "Accept: */*", "X-Stripe-Client-User-Agent: {}"));
        Attempt attempt = mutate(r, "stripe", "POST", "/stripe/v1/payment_intents", fields, headers, false);

        Map<String, String> read = check(attempt);
        if (read != null) {
            assertTrue(read.get("amount").matches("[0-9]+") && Long.parseLong(read.get("amount")) <= 5000, attempt.toString());
            assertEquals("usd", read.get("currency"), attempt.toString());
            assertTrue(Set.of("cus_123", "cus_456").contains(read.get("customer")), attempt.toString());
            assertFalse(read.keySet().stream().anyMatch(k -> k.startsWith("transfer_data")), attempt.toString());
            LoggedRequest seen = vendor.received().get(0);
            assertTrue(!seen.containsHeader("Stripe-Account") || seen.getHeader("Stripe-Account").equals("acct_ok"), attempt.toString());
            for (String proxyHeader : List.of("X-Forwarded-Host", "X-Original-URL", "Forwarded")) {
                assertFalse(seen.containsHeader(proxyHeader), attempt.toString());
            }
        }
    }

    @Property(tries = 250)
    void twilioMessages(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"To", r.nextInt(4) == 0 ? "+447700900123" : "+15551234567"});
        StringBuilder text = new StringBuilder();
        int length = 1 + r.nextInt(400);
        for (int i = 0; i < length; i++) {
            text.append(pick(r, "a", "b", " ", "€", "ü", "中", "{", "1"));
        }
        fields.add(new String[] {"Body", text.toString()});
        if (r.nextInt(8) == 0) {
            fields.add(new String[] {"MediaUrl", "https://x.test/a.png"});
        }
        for (String[] f : fields) {
            f[0] = r.nextInt(4) == 0 ? recase(r, f[0]) : f[0];
        }
        Attempt attempt = mutate(r, "twilio", "POST", MESSAGES, fields, new ArrayList<>(), true);

        Map<String, String> read = check(attempt);
        if (read != null) {
            assertTrue(US_NUMBER.matcher(read.get("to")).matches(), attempt.toString());
            assertFalse(read.keySet().stream().anyMatch(k -> k.startsWith("mediaurl")), attempt.toString());
        }
    }

    @Property(tries = 300)
    void resendEmails(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        String from = "\"from\":\"" + (r.nextInt(4) == 0 ? "ceo@example.com" : "billing@example.com") + "\"";
        String to = r.nextInt(4) > 0 ? pick(r, "\"to\":[\"a@example.com\"]", "\"to\":\"a@example.com\"", "\"to\":[\"a@example.com\",\"b@example.com\"]")
                : pick(r, "\"to\":[\"a@example.com\",\"x@evil.com\"]", "\"to\":{\"0\":\"x@evil.com\"}", "\"to\":[[\"x@evil.com\"]]", "\"to\":42");
        List<String> members = new ArrayList<>(List.of(from, to, "\"subject\":\"hi " + ATTEMPTS.incrementAndGet() + "\""));
        switch (r.nextInt(8)) {
            case 0 -> members.add(pick(r, "\"to\":[\"x@evil.com\"]", "\"from\":\"ceo@example.com\"", "\"t\\u006f\":[\"x@evil.com\"]"));
            case 1 -> members.add(members.get(r.nextInt(members.size())));
            case 2 -> members.add("\"cc\":" + pick(r, "[\"c@example.com\"]", "\"c@example.com, d@evil.com\"", "{\"a\":1}"));
            default -> {
            }
        }
        Collections.shuffle(members, r);
        String body = "{" + String.join(",", members) + "}";
        String query = r.nextInt(6) == 0 ? "from=" + pick(r, "billing%40example.com", "ceo%40example.com") : null;
        Attempt attempt = new Attempt("resend", "POST", "/resend/emails", query, "application/json", body,
                List.of(pick(r, "Idempotency-Key: r" + ATTEMPTS.incrementAndGet(), "X-Forwarded-For: 10.0.0.1", "Accept: application/json")));

        Map<String, String> read = check(attempt);
        if (read != null) {
            assertEquals("billing@example.com", read.get("from"), attempt.toString());
            read.forEach((name, value) -> {
                if (name.equals("to") || name.startsWith("to[")) {
                    assertTrue(value.strip().toLowerCase(Locale.ROOT).endsWith("@example.com") && !value.contains(","), attempt.toString());
                }
            });
        }
    }

    /**
     * Sends the attempt. Refused: nothing reached the vendor and the answer is a 4xx; returns null.
     * Forwarded: the vendor read what Keyward read, the audit row prices the vendor's reading;
     * returns the vendor's reading.
     */
    private static Map<String, String> check(Attempt attempt) throws Exception {
        vendor.reset();
        vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        RawHttp.Response reply = RawHttp.send(gateway.port(), raw(attempt));
        Statistics.label("outcome").collect(reply.status() == 200 ? "forwarded" : "refused " + reply.status());
        if (reply.status() != 200) {
            assertTrue(reply.status() >= 400 && reply.status() < 500, reply.status() + " for " + attempt + ": " + reply.bodyText());
            assertEquals(0, vendor.received().size(), "a refused call reached the vendor: " + attempt);
            return null;
        }
        assertEquals(1, vendor.received().size(), attempt.toString());
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : attempt.headers()) {
            headers.put(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 1).strip());
        }
        Calls.Parsed keywards = Calls.parseAt(vendor.baseUrl(), attempt.method(), attempt.path(), attempt.query(),
                attempt.contentType(), attempt.body().getBytes(StandardCharsets.UTF_8), headers);
        Map<String, String> read = Differential.assertSameReading(keywards.route(), keywards.call(), vendor.received().get(0));

        Vendor v = keywards.route().vendor();
        Params asTheVendorReadsIt = Differential.asParams(v, read);
        Estimate price = v.costs().estimate(keywards.call().operation(), asTheVendorReadsIt);
        CallRow row = CallAudit.byRequestId(gateway, reply.header("X-Keyward-Request-Id"));
        assertTrue(price.known(), attempt.toString());
        assertEquals(0, price.usd().compareTo(row.estimatedUsd()), "priced what the vendor reads: " + attempt);
        return read;
    }

    /**
     * Writes fields as a form, each character percent-encoded or not at random (hex in either
     * case, a space as + or %20), in random order, then applies one random mutation: a field
     * repeated with the same or another value, moved or copied to the query, nested, or followed
     * by a name in another case.
     */
    private static Attempt mutate(Random r, String vendorName, String method, String path, List<String[]> fields,
                                  List<String> headers, boolean caseInsensitive) {
        List<String[]> body = new ArrayList<>(fields);
        List<String[]> query = new ArrayList<>();
        String[] victim = fields.get(r.nextInt(fields.size()));
        switch (r.nextInt(14)) {
            case 0 -> body.add(victim.clone());
            case 1 -> body.add(new String[] {victim[0], victim[1] + "9"});
            case 2 -> {
                body.remove(victim);
                query.add(victim);
            }
            case 3 -> query.add(victim.clone());
            case 4 -> {
                body.remove(victim);
                body.add(new String[] {victim[0] + "[0]", victim[1]});
            }
            case 5 -> body.add(new String[] {caseInsensitive ? victim[0].toUpperCase(Locale.ROOT) : victim[0] + "[x]", "zz" + victim[1]});
            case 6 -> body.add(new String[] {victim[0] + "[]", victim[1]});
            default -> {
            }
        }
        Collections.shuffle(body, r);
        return new Attempt(vendorName, method, path, query.isEmpty() ? null : form(r, query), FORM, form(r, body), headers);
    }

    private static String form(Random r, List<String[]> fields) {
        List<String> pairs = new ArrayList<>();
        for (String[] f : fields) {
            pairs.add(encode(r, f[0]) + "=" + encode(r, f[1]));
        }
        return String.join("&", pairs);
    }

    private static String encode(Random r, String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean mustEncode = c == '&' || c == '=' || c == '%' || c == '+' || c == ';' || c > 0x7e || c < 0x21;
            if (c == ' ' && r.nextBoolean()) {
                sb.append('+');
            } else if (mustEncode || r.nextInt(4) == 0) {
                String hex = String.format("%02X", c);
                sb.append('%').append(r.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static String recase(Random r, String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            sb.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    private static byte[] raw(Attempt a) {
        String target = a.path() + (a.query() == null ? "" : "?" + a.query());
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(a.method() + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .append("Authorization: Bearer ").append(keys.get(a.vendor())).append("\r\n")
                .append("Content-Type: ").append(a.contentType()).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        a.headers().forEach(h -> head.append(h).append("\r\n"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
