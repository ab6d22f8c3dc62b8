package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.contract.Catalog;
import io.keyward.contract.Operation;
import io.keyward.json.Json;
import io.keyward.resend.ResendVendor;
import io.keyward.samples.fakevendor.FakeVendorServer;
import io.keyward.stripe.StripeVendor;
import io.keyward.twilio.TwilioVendor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quickstart's fake vendor, reached as an agent reaches it: through the quickstart gateway
 * (embedded MariaDB, keys issued over the admin API). It answers what each call asked for, in the
 * vendor's shape, for every operation of Keyward's catalog, so the ledger shows true amounts.
 * The gateway's config adds a ceiling for calls Keyward cannot price (a confirm, a finalize), so
 * that every money-moving operation reaches the fake vendor.
 */
class FakeVendorTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CUSTOMER = "cus_NffrFeUfNV2Hib";
    /** The quickstart's config plus a ceiling for the calls Keyward cannot price, and room for a fast agent. */
    @RegisterExtension
    static final QuickstartExtension QUICKSTART = new QuickstartExtension(data -> {
        Path config = data.resolve("keyward.yaml");
        try (InputStream in = Quickstart.class.getResourceAsStream("/io/keyward/samples/quickstart.yaml")) {
            Files.writeString(config, new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    + "spend:\n  unknown_cost_ceiling_usd: \"50.00\"\nguards:\n  rate_per_second: 1000\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("KEYWARD_CONFIG", config.toString());
    });

    @Test
    void aSixtyCentPaymentIntentIsAnsweredAndSettledAsSixtyCents() throws Exception {
        JsonNode issued = QUICKSTART.admin().issue("stripe", "sixty-cents", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":["
                + "{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":100},\"currency\":{\"in\":[\"usd\"]}}}]}");
        Agent stripe = new Agent("stripe", issued.get("key").asText(), StripeVendor.CATALOG);

        JsonNode intent = stripe.call("POST", "/v1/payment_intents", "amount=60&currency=usd");

        assertEquals(60, intent.get("amount").asInt(), "the agent sees the amount it asked for");
        assertEquals("usd", intent.get("currency").asText());
        JsonNode row = auditedRow(issued.get("id").asText());
        assertEquals("0.60", row.get("estimated_usd").asText(), row.toString());
        assertEquals("0.60", row.get("amount_usd").asText(), "settled at what the vendor answered: " + row);
        assertEquals("0.60", QUICKSTART.admin().get("/spend?key_id=" + issued.get("id").asText()).json().get("spent_usd").asText());
    }

    @Test
    void everyStripeOperationIsAnsweredInStripesShapeWithWhatItAskedFor() throws Exception {
        Agent stripe = agentForEveryOperation("stripe", StripeVendor.CATALOG);
        JsonNode intent = stripe.call("POST", "/v1/payment_intents",
                "amount=60&currency=usd&customer=" + CUSTOMER + "&metadata[order_id]=A-1&payment_method_types[0]=card");
        String pi = intent.get("id").asText();
        assertTrue(pi.matches("pi_[A-Za-z0-9]{24}"), pi);
        assertEquals("payment_intent", intent.get("object").asText());
        assertEquals(CUSTOMER, intent.get("customer").asText());
        assertEquals("A-1", intent.at("/metadata/order_id").asText());
        assertEquals("requires_payment_method", intent.get("status").asText());
        assertEquals(intent, stripe.call("GET", "/v1/payment_intents/" + pi, null), "retrieve returns what was created");
        assertEquals(70, stripe.call("POST", "/v1/payment_intents/" + pi, "amount=70&description=two+mugs").get("amount").asInt());
        JsonNode confirmed = stripe.call("POST", "/v1/payment_intents/" + pi + "/confirm", "payment_method=pm_card_visa");
        assertEquals("succeeded", confirmed.get("status").asText());
        assertEquals(70, confirmed.get("amount_received").asInt());
        String charge = confirmed.get("latest_charge").asText();

        String manual = stripe.call("POST", "/v1/payment_intents", "amount=500&currency=usd&capture_method=manual&confirm=true"
                + "&payment_method=pm_card_visa").get("id").asText();
        assertEquals(800, stripe.call("POST", "/v1/payment_intents/" + manual + "/increment_authorization", "amount=800")
                .get("amount_capturable").asInt());
        JsonNode captured = stripe.call("POST", "/v1/payment_intents/" + manual + "/capture", "amount_to_capture=600");
        assertEquals(600, captured.get("amount_received").asInt());
        assertEquals("succeeded", captured.get("status").asText());
        String open = stripe.call("POST", "/v1/payment_intents", "amount=100&currency=eur").get("id").asText();
        assertEquals("canceled", stripe.call("POST", "/v1/payment_intents/" + open + "/cancel", "cancellation_reason=abandoned")
                .get("status").asText());
        assertEquals("eur", stripe.call("GET", "/v1/payment_intents?limit=3", null).at("/data/0/currency").asText(), "newest first");
        assertEquals("search_result", stripe.call("GET", "/v1/payment_intents/search?query=status%3A%27succeeded%27", null)
                .get("object").asText());

        JsonNode card = stripe.call("POST", "/v1/charges", "amount=2500&currency=usd&capture=false&source=tok_visa");
        assertFalse(card.get("captured").asBoolean());
        String ch = card.get("id").asText();
        assertEquals(card, stripe.call("GET", "/v1/charges/" + ch, null));
        assertEquals("gift", stripe.call("POST", "/v1/charges/" + ch, "description=gift").get("description").asText());
        assertEquals(2000, stripe.call("POST", "/v1/charges/" + ch + "/capture", "amount=2000").get("amount_captured").asInt());
        assertEquals(charge, stripe.call("GET", "/v1/charges?payment_intent=" + pi, null).at("/data/0/id").asText());

        JsonNode full = stripe.call("POST", "/v1/refunds", "payment_intent=" + pi);
        assertEquals(70, full.get("amount").asInt(), "without amount a refund is of the whole payment intent");
        assertEquals(charge, full.get("charge").asText());
        assertEquals(0, stripe.call("POST", "/v1/refunds", "charge=ch_NotMadeHere").get("amount").asInt());
        String re = stripe.call("POST", "/v1/refunds", "charge=" + ch + "&amount=300&reason=duplicate").get("id").asText();
        assertTrue(re.startsWith("re_"), re);
        assertEquals(300, stripe.call("GET", "/v1/refunds/" + re, null).get("amount").asInt());
        assertEquals("x", stripe.call("POST", "/v1/refunds/" + re, "metadata[note]=x").at("/metadata/note").asText());
        assertEquals("canceled", stripe.call("POST", "/v1/refunds/" + re + "/cancel", "").get("status").asText());
        assertEquals(re, stripe.call("GET", "/v1/refunds?charge=" + ch, null).at("/data/0/id").asText());

        JsonNode payout = stripe.call("POST", "/v1/payouts", "amount=5000&currency=usd&method=instant");
        assertEquals("instant", payout.get("method").asText());
        String po = payout.get("id").asText();
        assertEquals(5000, stripe.call("GET", "/v1/payouts/" + po, null).get("amount").asInt());
        assertEquals("canceled", stripe.call("POST", "/v1/payouts/" + po + "/cancel", "").get("status").asText());
        assertEquals(po, stripe.call("GET", "/v1/payouts", null).at("/data/0/id").asText());

        JsonNode transfer = stripe.call("POST", "/v1/transfers", "amount=4000&currency=usd&destination=acct_123");
        String tr = transfer.get("id").asText();
        assertEquals("acct_123", stripe.call("GET", "/v1/transfers/" + tr, null).get("destination").asText());
        JsonNode reversal = stripe.call("POST", "/v1/transfers/" + tr + "/reversals", "amount=1100");
        assertEquals("transfer_reversal", reversal.get("object").asText());
        assertEquals(tr, reversal.get("transfer").asText());
        assertEquals(1100, stripe.call("GET", "/v1/transfers", null).at("/data/0/amount_reversed").asInt());
        assertEquals("topup", stripe.call("POST", "/v1/topups", "amount=1000&currency=usd").get("object").asText());

        JsonNode customer = stripe.call("POST", "/v1/customers", "email=ann%40example.com&name=Ann");
        String cus = customer.get("id").asText();
        assertEquals("ann@example.com", stripe.call("GET", "/v1/customers/" + cus, null).get("email").asText());
        assertEquals("Bob", stripe.call("POST", "/v1/customers/" + cus, "name=Bob").get("name").asText());
        assertEquals(-500, stripe.call("POST", "/v1/customers/" + cus + "/balance_transactions", "amount=-500&currency=usd")
                .get("ending_balance").asInt());
        assertEquals(cus, stripe.call("GET", "/v1/customers?limit=1", null).at("/data/0/id").asText());
        assertTrue(stripe.call("DELETE", "/v1/customers/" + cus, null).get("deleted").asBoolean());
        assertEquals("resource_missing", stripe.fails(404, "GET", "/v1/customers/" + cus, null).at("/error/code").asText());

        JsonNode session = stripe.call("POST", "/v1/checkout/sessions", "mode=payment&success_url=https%3A%2F%2Fexample.com%2Fok"
                + "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=2000"
                + "&line_items[0][price_data][product_data][name]=Mug&line_items[0][quantity]=2");
        assertEquals(4000, session.get("amount_total").asInt());
        String cs = session.get("id").asText();
        assertEquals("open", stripe.call("GET", "/v1/checkout/sessions/" + cs, null).get("status").asText());
        assertEquals("expired", stripe.call("POST", "/v1/checkout/sessions/" + cs + "/expire", "").get("status").asText());
        assertEquals(cs, stripe.call("GET", "/v1/checkout/sessions", null).at("/data/0/id").asText());
        assertTrue(stripe.call("POST", "/v1/payment_links", "line_items[0][price]=price_1&line_items[0][quantity]=1")
                .get("url").asText().startsWith("https://buy.stripe.com/"));

        assertEquals(1500, stripe.call("POST", "/v1/invoiceitems", "customer=" + CUSTOMER + "&unit_amount=500&quantity=3&currency=usd")
                .get("amount").asInt());
        String in = stripe.call("POST", "/v1/invoices", "customer=" + CUSTOMER).get("id").asText();
        assertEquals(1500, stripe.call("GET", "/v1/invoices/" + in, null).get("amount_due").asInt(), "the pending item is on it");
        assertEquals("open", stripe.call("POST", "/v1/invoices/" + in + "/finalize", "").get("status").asText());
        assertEquals(1500, stripe.call("POST", "/v1/invoices/" + in + "/pay", "").get("amount_paid").asInt());
        assertEquals(in, stripe.call("GET", "/v1/invoices?customer=" + CUSTOMER, null).at("/data/0/id").asText());

        JsonNode subscription = stripe.call("POST", "/v1/subscriptions", "customer=" + CUSTOMER + "&items[0][price]=price_1&items[0][quantity]=2");
        assertEquals(2, subscription.at("/items/data/0/quantity").asInt());
        String sub = subscription.get("id").asText();
        assertEquals("active", stripe.call("GET", "/v1/subscriptions/" + sub, null).get("status").asText());
        assertEquals("canceled", stripe.call("DELETE", "/v1/subscriptions/" + sub, null).get("status").asText());
        assertEquals(sub, stripe.call("GET", "/v1/subscriptions", null).at("/data/0/id").asText());

        assertEquals("on_session", stripe.call("POST", "/v1/setup_intents", "usage=on_session").get("usage").asText());
        assertEquals("4242", stripe.call("GET", "/v1/payment_methods/pm_card_visa", null).at("/card/last4").asText());
        assertEquals("balance", stripe.call("GET", "/v1/balance", null).get("object").asText());
        assertEquals("list", stripe.call("GET", "/v1/balance_transactions", null).get("object").asText());
        assertEquals("v2.billing.meter_event_session", stripe.json("POST", "/v2/billing/meter_event_session", "{}").get("object").asText());
        assertEquals("api_call", stripe.json("POST", "/v2/billing/meter_events",
                "{\"event_name\":\"api_call\",\"payload\":{\"stripe_customer_id\":\"" + CUSTOMER + "\",\"value\":\"1\"}}").get("event_name").asText());

        stripe.assertEveryOperationCalled();
    }

    @Test
    void everyTwilioOperationIsAnsweredInTwiliosShapeWithWhatItAskedFor() throws Exception {
        Agent twilio = agentForEveryOperation("twilio", TwilioVendor.CATALOG);
        String account = "/2010-04-01/Accounts/" + twilio.key;
        JsonNode message = twilio.call("POST", account + "/Messages.json", "To=%2B15558675310&From=%2B15017122661&Body=Hello");
        String sm = message.get("sid").asText();
        assertTrue(sm.matches("SM[0-9a-f]{32}"), sm);
        assertEquals("+15558675310", message.get("to").asText());
        assertEquals("Hello", message.get("body").asText());
        assertEquals("1", message.get("num_segments").asText());
        assertTrue(message.get("price").isNull(), "Twilio prices a message once the carrier bills it");
        assertEquals(message, twilio.call("GET", account + "/Messages/" + sm + ".json", null));
        assertEquals(sm, twilio.call("GET", account + "/Messages.json?PageSize=5&To=%2B15558675310", null).at("/messages/0/sid").asText());
        assertEquals("", twilio.call("POST", account + "/Messages/" + sm + ".json", "Body=").get("body").asText());
        twilio.call("DELETE", account + "/Messages/" + sm + ".json", null);
        assertEquals(20404, twilio.fails(404, "GET", account + "/Messages/" + sm + ".json", null).get("code").asInt());

        JsonNode mms = twilio.call("POST", account + "/Messages", "To=%2B15558675310&From=%2B15017122661&MediaUrl=https%3A%2F%2Fexample.com%2Fa.png");
        assertEquals("1", mms.get("num_media").asText(), "Messages without .json is Messages.json");
        assertEquals(mms.get("sid"), twilio.call("GET", account + "/Messages/" + mms.get("sid").asText() + "/Media.json", null)
                .at("/media_list/0/parent_sid"));
        assertEquals("AC00000000000000000000000000000000", twilio.call("GET", account + ".json", null).get("sid").asText(),
                "the account Keyward put in the path");

        JsonNode call = twilio.call("POST", account + "/Calls.json", "To=%2B15558675310&From=%2B15017122661&Url=https%3A%2F%2Fexample.com%2Fv.xml&TimeLimit=60");
        String ca = call.get("sid").asText();
        assertTrue(ca.matches("CA[0-9a-f]{32}"), ca);
        assertEquals("queued", twilio.call("GET", account + "/Calls/" + ca + ".json", null).get("status").asText());
        assertEquals(ca, twilio.call("GET", account + "/Calls.json", null).at("/calls/0/sid").asText());
        assertEquals("completed", twilio.call("POST", account + "/Calls/" + ca + ".json", "Status=completed").get("status").asText());

        String service = "/verify/v2/Services/VA" + "0".repeat(32);
        JsonNode verification = twilio.call("POST", service + "/Verifications", "To=%2B15558675310&Channel=sms");
        String ve = verification.get("sid").asText();
        assertEquals("pending", verification.get("status").asText());
        assertEquals("sms", twilio.call("GET", service + "/Verifications/" + ve, null).get("channel").asText());
        JsonNode check = twilio.call("POST", service + "/VerificationCheck", "To=%2B15558675310&Code=123456");
        assertEquals("approved", check.get("status").asText());
        assertTrue(check.get("valid").asBoolean());
        String again = twilio.call("POST", service + "/Verifications", "To=%2B15558675310&Channel=call").get("sid").asText();
        assertEquals("canceled", twilio.call("POST", service + "/Verifications/" + again, "Status=canceled").get("status").asText());

        twilio.assertEveryOperationCalled();
    }

    @Test
    void everyResendOperationIsAnsweredInResendsShapeWithWhatItAskedFor() throws Exception {
        Agent resend = agentForEveryOperation("resend", ResendVendor.CATALOG);
        String id = resend.json("POST", "/emails", "{\"from\":\"Acme <billing@example.com>\",\"to\":[\"a@example.com\",\"b@example.org\"],"
                + "\"cc\":\"c@example.com\",\"subject\":\"Your invoice\",\"html\":\"<p>Thanks</p>\"}").get("id").asText();
        assertEquals(id, UUID.fromString(id).toString());
        JsonNode email = resend.call("GET", "/emails/" + id, null);
        assertEquals("[\"a@example.com\",\"b@example.org\"]", email.get("to").toString());
        assertEquals("[\"c@example.com\"]", email.get("cc").toString());
        assertEquals("Your invoice", email.get("subject").asText());
        assertEquals("Acme <billing@example.com>", email.get("from").asText());
        JsonNode batch = resend.json("POST", "/emails/batch", "[{\"from\":\"b@example.com\",\"to\":\"x@example.com\",\"subject\":\"1\",\"text\":\"a\"},"
                + "{\"from\":\"b@example.com\",\"to\":\"y@example.com\",\"subject\":\"2\",\"text\":\"b\"}]");
        assertEquals(2, batch.get("data").size());
        String second = batch.at("/data/1/id").asText();
        assertEquals("y@example.com", resend.call("GET", "/emails/" + second, null).at("/to/0").asText());
        assertEquals(second, resend.call("GET", "/emails", null).at("/data/0/id").asText());
        assertEquals(id, resend.json("PATCH", "/emails/" + id, "{\"scheduled_at\":\"2030-01-01T00:00:00Z\"}").get("id").asText());
        assertEquals("email", resend.call("POST", "/emails/" + id + "/cancel", "").get("object").asText());
        assertEquals("canceled", resend.call("GET", "/emails/" + id, null).get("last_event").asText());
        assertEquals("not_found", resend.fails(404, "GET", "/emails/" + UUID.randomUUID(), null).get("name").asText());
        String domain = resend.call("GET", "/domains", null).at("/data/0/id").asText();
        assertEquals("example.com", resend.call("GET", "/domains/" + domain, null).get("name").asText());

        resend.assertEveryOperationCalled();
    }

    @Test
    void aWrongCredentialGetsEachVendorsOwn401() throws Exception {
        String twilioAuth = "Basic " + Base64.getEncoder().encodeToString(("AC" + "1".repeat(32) + ":token").getBytes(StandardCharsets.UTF_8));
        try (FakeVendorServer vendor = FakeVendorServer.start(Map.of("stripe", "Bearer sk_test_right", "twilio", twilioAuth,
                "resend", "Bearer re_right"))) {
            String stripePath = "/stripe/v1/payment_intents";
            assertEquals(200, direct(vendor, stripePath, "Bearer sk_test_right").statusCode(), "the right one passes");
            HttpResponse<String> stripe = direct(vendor, stripePath, "Bearer sk_test_wrong");
            assertEquals(401, stripe.statusCode());
            assertEquals("invalid_request_error", Json.tree(stripe.body()).at("/error/type").asText());
            HttpResponse<String> twilio = direct(vendor, "/twilio/2010-04-01/Accounts/AC" + "1".repeat(32) + "/Messages.json",
                    "Basic " + Base64.getEncoder().encodeToString(("AC" + "1".repeat(32) + ":wrong").getBytes(StandardCharsets.UTF_8)));
            assertEquals(401, twilio.statusCode());
            assertEquals(20003, Json.tree(twilio.body()).get("code").asInt());
            HttpResponse<String> resend = direct(vendor, "/resend/emails", "Bearer kw_not_the_secret");
            assertEquals(401, resend.statusCode());
            assertEquals(401, Json.tree(resend.body()).get("statusCode").asInt());
        }
    }

    private static HttpResponse<String> direct(FakeVendorServer vendor, String path, String authorization) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(vendor.baseUrl() + path)).header("Authorization", authorization).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A key whose policy allows each operation of the vendor's catalog. */
    private static Agent agentForEveryOperation(String vendor, Catalog catalog) throws Exception {
        String allow = catalog.operations().stream().map(o -> "{\"operation\":\"" + o.name() + "\"}").collect(Collectors.joining(","));
        String key = QUICKSTART.admin().issue(vendor, vendor + "-simulated", "\"daily_usd_cap\":\"1000.00\",\"policy\":{\"allow\":[" + allow + "]}")
                .get("key").asText();
        return new Agent(vendor, key, catalog);
    }

    /** The audit row of the key's one call, waiting for the audit writer. */
    private static JsonNode auditedRow(String keyId) throws Exception {
        JsonNode items = QUICKSTART.admin().get("/calls?key_id=" + keyId).json().get("items");
        for (int i = 0; i < 100 && items.size() == 0; i++) {
            Thread.sleep(100);
            items = QUICKSTART.admin().get("/calls?key_id=" + keyId).json().get("items");
        }
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private static String gateway() {
        return QUICKSTART.gateway();
    }

    /** An agent calling one vendor through the gateway with its vault key, as that vendor's SDK would. */
    private static final class Agent {
        private final String vendor;
        private final String key;
        private final Catalog catalog;
        private final Set<String> called = new TreeSet<>();

        Agent(String vendor, String key, Catalog catalog) {
            this.vendor = vendor;
            this.key = key;
            this.catalog = catalog;
        }

        /** A form call (a JSON one for Resend) answered 2xx; its operation counts as covered. */
        JsonNode call(String method, String path, String body) throws Exception {
            return answered(method, path, body, vendor.equals("resend") ? "application/json" : "application/x-www-form-urlencoded");
        }

        JsonNode json(String method, String path, String body) throws Exception {
            return answered(method, path, body, "application/json");
        }

        JsonNode fails(int status, String method, String path, String body) throws Exception {
            HttpResponse<String> response = send(method, path, body, "application/x-www-form-urlencoded");
            assertEquals(status, response.statusCode(), response.body());
            return Json.tree(response.body());
        }

        private JsonNode answered(String method, String path, String body, String contentType) throws Exception {
            HttpResponse<String> response = send(method, path, body, contentType);
            assertTrue(response.statusCode() / 100 == 2, method + " " + path + ": " + response.statusCode() + " " + response.body());
            String[] segments = path.replaceFirst("\\?.*", "").substring(1).split("/");
            Operation operation = catalog.find(method, Arrays.asList(segments)).orElseThrow().operation();
            called.add(operation.name());
            return response.statusCode() == 204 ? Json.MAPPER.createObjectNode() : Json.tree(response.body());
        }

        private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
            String authorization = switch (vendor) {
                case "stripe" -> "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
                case "twilio" -> "Basic " + Base64.getEncoder().encodeToString((key + ":unused").getBytes(StandardCharsets.UTF_8));
                default -> "Bearer " + key;
            };
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway() + "/" + vendor + path)).header("Authorization", authorization);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        void assertEveryOperationCalled() {
            Set<String> all = catalog.operations().stream().map(Operation::name).collect(Collectors.toCollection(TreeSet::new));
            all.removeAll(called);
            assertEquals(Set.of(), all, "operations of the catalog never answered");
        }
    }
}
