package io.keyward.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.keyward.decision.Refusal;
import io.keyward.testing.Calls;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * However a payment intent is encoded — percent-encoding of any character in either case, any
 * order, repeated fields, fields moved to the query string — Keyward never allows one whose
 * amount, currency, customer or destination the example policy forbids, as the vendor would read
 * it. A reference decoder (the JDK's) stands in for the vendor's reading.
 */
class EncodingPropertyTest {
    private static final PolicyCheck CHECK = new PolicyCheck(Calls.VENDORS);
    private static final String POLICY = PolicyCheckTest.EXAMPLE;

    record Intent(long amount, String currency, String customer, String destination) {
        boolean allowedByPolicy() {
            return amount <= 5000 && currency.equals("usd") && (customer.equals("cus_123") || customer.equals("cus_456"))
                    && destination == null;
        }

        List<String[]> fields() {
            List<String[]> f = new ArrayList<>();
            f.add(new String[] {"amount", Long.toString(amount)});
            f.add(new String[] {"currency", currency});
            f.add(new String[] {"customer", customer});
            if (destination != null) {
                f.add(new String[] {"transfer_data[destination]", destination});
            }
            return f;
        }
    }

    /** How the fields are written on the wire. */
    record Encoding(long seed, boolean duplicateOne, boolean moveOneToQuery) {
    }

    @Provide
    Arbitrary<Intent> intents() {
        return Combinators.combine(
                Arbitraries.longs().between(1, 10_000),
                Arbitraries.of("usd", "eur", "USD"),
                Arbitraries.of("cus_123", "cus_456", "cus_999", "cus_1234"),
                Arbitraries.of((String) null, "acct_1X", "acct_2Y")).as(Intent::new);
    }

    @Provide
    Arbitrary<Encoding> encodings() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Encoding::new);
    }

    @Property(tries = 600)
    void neverAllowsWhatThePolicyForbids(@ForAll("intents") Intent intent, @ForAll("encodings") Encoding encoding) throws Exception {
        Random random = new Random(encoding.seed());
        List<String[]> fields = new ArrayList<>(intent.fields());
        java.util.Collections.shuffle(fields, random);
        if (encoding.duplicateOne()) {
            fields.add(fields.get(random.nextInt(fields.size())));
        }
        List<String> body = new ArrayList<>();
        List<String> query = new ArrayList<>();
        int moved = encoding.moveOneToQuery() ? random.nextInt(fields.size()) : -1;
        for (int i = 0; i < fields.size(); i++) {
            String pair = encode(fields.get(i)[0], random) + "=" + encode(fields.get(i)[1], random);
            (i == moved ? query : body).add(pair);
        }
        String bodyText = String.join("&", body);
        String queryText = query.isEmpty() ? null : String.join("&", query);

        Map<String, List<String>> asVendorReadsIt = referenceDecode(bodyText, queryText);
        assertEquals(intent.fields().size(), asVendorReadsIt.size(), "the encoding changed nothing but the spelling");

        String decision = decide(queryText, bodyText);
        if (!intent.allowedByPolicy()) {
            assertNotEquals("allowed", decision, "forbidden intent " + intent + " passed as body=" + bodyText + " query=" + queryText);
        } else if (queryText == null) {
            assertEquals("allowed", decision, "allowed intent refused: " + bodyText);
        }
    }

    private static String decide(String query, String body) throws Exception {
        try {
            Calls.Parsed parsed = Calls.parse("POST", "/stripe/v1/payment_intents", query, "application/x-www-form-urlencoded", body);
            CHECK.check(PolicyCheckTest.key("stripe", POLICY), parsed.route(), parsed.call());
            return "allowed";
        } catch (Refusal r) {
            return r.code().wire();
        }
    }

    /** Percent-encodes a random selection of characters, with random hex case; brackets included. */
    private static String encode(String text, Random random) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (random.nextInt(3) == 0 || b == '&' || b == '=' || b == '%' || b == '+') {
                String hex = String.format("%02X", b & 0xff);
                sb.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase(java.util.Locale.ROOT));
            } else {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static Map<String, List<String>> referenceDecode(String body, String query) {
        Map<String, List<String>> out = new HashMap<>();
        for (String part : (body + (query == null ? "" : "&" + query)).split("&")) {
            if (!part.isEmpty()) {
                String[] kv = part.split("=", 2);
                out.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
