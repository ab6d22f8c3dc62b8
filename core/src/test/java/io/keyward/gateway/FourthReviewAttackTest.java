package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.store.CallRow;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fourth outside review: routing by the key, the JSON 404 for whatever is not served, the error
 * body, Stripe's {@code account_currency}, and the vendor's Content-Type written as sent. Each test
 * performs an attack and passes only if Keyward resists it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FourthReviewAttackTest {
    private static final String GUARDS = "guards:\n  loop_max_repeats: 100000\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n"
            + "  unauthenticated_per_second: 100000\n";
    private static final String FORM = "application/x-www-form-urlencoded";
    /** The account's currency is USD, as in the quickstart. */
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension(GUARDS,
            yaml -> yaml.replace("  stripe:\n", "  stripe:\n    account_currency: usd\n"));
    private static final AgentCalls calls = new AgentCalls(gw, "reviewer4");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATE_ONLY = "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\","
            + "\"params\":{\"amount\":{\"max\":5000}}}]}";

    private static void vendorOk(String body) {
        gw.vendor().reset();
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static RawHttp.Response raw(int port, String request) throws Exception {
        return RawHttp.send(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RawHttp.Response raw(String request) throws Exception {
        return raw(gw.port(), request);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String post(String target, String body, String... headerLines) {
        StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headerLines) {
            head.append(h).append("\r\n");
        }
        return head + "Content-Type: " + FORM + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** The one JSON error shape, with this status and code; never HTML, never a trace. */
    private static JsonNode error(RawHttp.Response reply, int status, String code) throws Exception {
        String what = reply.status() + " " + reply.bodyText();
        assertEquals(status, reply.status(), what);
        JsonNode root = jsonError(reply);
        assertEquals(code, root.get("error").get("code").asText(), what);
        return root;
    }

    private static JsonNode jsonError(RawHttp.Response reply) throws Exception {
        String what = reply.status() + " " + reply.everything();
        assertTrue(reply.status() >= 400 && reply.status() < 500, "not a 4xx: " + what);
        String type = reply.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), what);
        JsonNode root = JSON.readTree(reply.body());
        assertTrue(root.get("error").get("code").isTextual(), what);
        assertEquals(reply.status(), root.get("statusCode").asInt(), what);
        assertTrue(root.get("code").isInt(), what);
        String lower = reply.everything().toLowerCase(java.util.Locale.ROOT);
        assertFalse(lower.contains("<html") || lower.contains("exception") || lower.contains("jetty") || lower.contains("at io.keyward"), what);
        return root;
    }

    private static CallRow audited(RawHttp.Response reply) throws Exception {
        return calls.audit(reply);
    }

    // ---------------------------------------------------------------------------------------------
    // (r) Routing by the key
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void r1_held_anUnprefixedOperationOutsideThePolicyIsRefusedAndAudited() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", CREATE_ONLY);
        for (String auth : List.of("Bearer " + key, basic(key, ""), basic("", key), basic("acct_x", key))) {
            RawHttp.Response payout = raw(post("/v1/payouts", "amount=1&currency=usd", "Authorization: " + auth));
            error(payout, 403, "denied_operation");
            CallRow row = audited(payout);
            assertEquals("stripe", row.vendor());
            assertEquals("denied_operation", row.policyCheckResult());
            error(raw(post("/v1/refunds", "amount=1&charge=ch_1", "Authorization: " + auth)), 403, "denied_operation");
        }
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(2)
    void r2_held_pathTricksOnAnUnprefixedPathAreRefused() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", CREATE_ONLY);
        String[][] probes = {
                {"/v1/../v1/payouts", "400"}, {"/v1/%2e%2e/v1/payouts", "400"}, {"/v1/%2E%2E/payouts", "400"},
                {"/v1/./payouts", "400"}, {"/v1/payment_intents;x=1", "400"}, {"/v1;x/payouts", "400"},
                {"//v1/payment_intents", "400"}, {"/v1//payment_intents", "400"}, {"/v1/payment_intents%2f..%2fpayouts", "400"},
                {"/%76%31/payment_intents", "400"}, {"/v1/payment%5fintents", "400"}, {"/%73tripe/v1/payment_intents", "400"},
                {"/v1\\payment_intents", "400"}, {"/V1/payment_intents", "403"}, {"/v1/Payment_Intents", "403"},
                {"/v1/payment_intents.", "403"}, {"/v1/payouts.", "403"}, {"/stripe./v1/payment_intents", "403"},
                {"/Stripe/v1/payment_intents", "403"}, {"/v1/payment_intents/x/../../payouts", "400"},
        };
        List<String> wrong = new ArrayList<>();
        for (String[] p : probes) {
            RawHttp.Response r = raw(post(p[0], "amount=1&currency=usd", "Authorization: Bearer " + key));
            String code = p[1].equals("400") ? "denied_malformed" : "denied_operation";
            try {
                error(r, Integer.parseInt(p[1]), code);
                assertEquals(code, audited(r).policyCheckResult());
            } catch (AssertionError e) {
                wrong.add(p[0] + " -> " + e.getMessage());
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(0, gw.vendor().received().size(), "forwarded: " + gw.vendor().received());
    }

    @Test
    @Order(3)
    void r3_held_theAdminApiCannotBeReachedWithOrThroughAVaultKey() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", CREATE_ONLY);
        String[] targets = {"/admin", "/admin/", "/admin/keys", "/admin/keys?limit=1", "/admin;x/keys", "/%61dmin/keys", "/ADMIN/keys",
                "/admin/../admin/keys", "/v1/../admin/keys", "/admin%2fkeys", "//admin/keys", "/admin/./keys", "/admin/keys/",
                "/admin/%6beys", "/admin/keys;x", "/admin//keys"};
        List<String> wrong = new ArrayList<>();
        for (String t : targets) {
            for (String auth : List.of("Bearer " + key, basic(key, ""), basic("x", key))) {
                for (String method : List.of("GET", "POST")) {
                    String body = "{\"vendor\":\"stripe\",\"agent_name\":\"escalated\",\"daily_usd_cap\":\"99999.00\"}";
                    String req = method + " " + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: " + auth
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
                    RawHttp.Response r = raw(req);
                    try {
                        jsonError(r);
                    } catch (AssertionError | Exception e) {
                        wrong.add(method + " " + t + " " + auth.substring(0, 6) + " -> " + e.getMessage());
                    }
                }
            }
        }
        // The admin token and a vault key together: the admin API takes exactly one Authorization.
        RawHttp.Response both = raw("GET /admin/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
                + key + "\r\nAuthorization: Bearer " + TestSecrets.ADMIN_TOKEN + "\r\n\r\n");
        if (both.status() < 400) {
            wrong.add("admin token + vault key -> " + both.status());
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(0, gw.admin().get("/keys?agent_name=escalated").json().get("items").size(), "a key was issued through a vault key");
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(4)
    void r4_held_twoAuthorizationHeadersAreRefusedUnprefixed() throws Exception {
        vendorOk("{}");
        String stripe = calls.key("stripe", CREATE_ONLY);
        String twilio = calls.key("twilio", "\"daily_usd_cap\":\"1.00\"");
        String[][] pairs = {{"Bearer " + stripe, "Bearer " + stripe}, {"Bearer " + twilio, basic(stripe, "")},
                {"Bearer " + TestSecrets.ADMIN_TOKEN, "Bearer " + stripe}, {"Bearer junk", basic(stripe, "")},
                {"Bearer " + TestSecrets.STRIPE, "Bearer " + stripe}};
        for (String[] pair : pairs) {
            RawHttp.Response r = raw(post("/v1/payment_intents", "amount=60&currency=usd", "Authorization: " + pair[0], "authorization: " + pair[1]));
            error(r, 400, "denied_malformed");
            assertEquals("denied_malformed", audited(r).policyCheckResult());
        }
        // Two keys in one header's value are one malformed credential.
        error(raw(post("/v1/payment_intents", "amount=60&currency=usd", "Authorization: Bearer " + stripe + ", Bearer " + twilio)),
                401, "denied_unknown_key");
        error(raw(post("/v1/payment_intents", "amount=60&currency=usd", "Authorization: " + basic("kw_junk", stripe))), 401, "denied_unknown_key");
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(5)
    void r5_held_twiliosSecondHostIsTheKeysPolicyToo() throws Exception {
        vendorOk("{}");
        String twilio = calls.key("twilio", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}");
        String stripe = calls.key("stripe", CREATE_ONLY);
        String body = "To=%2B15005550006&Channel=sms";
        error(raw(post("/verify/v2/Services/VA0123/Verifications", body, "Authorization: " + basic(TestSecrets.TWILIO_ACCOUNT, twilio))),
                403, "denied_operation");
        error(raw(post("/verify/v2/Services/VA0123/Verifications", body, "Authorization: Bearer " + stripe)), 403, "denied_operation");
        error(raw(post("/%76erify/v2/Services/VA0123/Verifications", body, "Authorization: Bearer " + twilio)), 400, "denied_malformed");
        error(raw(post("/Verify/v2/Services/VA0123/Verifications", body, "Authorization: Bearer " + twilio)), 403, "denied_operation");
        error(raw(post("/verify-host/v2/Services/VA0123/Verifications", body, "Authorization: Bearer " + twilio)), 403, "denied_operation");
        error(raw(post("/twilio/verify/v2/Services/VA0123/Verifications", body, "Authorization: Bearer " + twilio)), 403, "denied_operation");
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(6)
    void r6_held_aKeyForAVendorThisGatewayDoesNotServeIsRefusedAndAudited() throws Exception {
        String jdbc = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor();
             TestGateway full = TestGateway.start(jdbc, vendor.baseUrl(), "", GUARDS);
             TestGateway noResend = TestGateway.start(jdbc, vendor.baseUrl(), "", GUARDS,
                     yaml -> yaml.replaceAll("(?s)  resend:\n    base_url: [^\n]*\n    secret: [^\n]*\n", ""))) {
            assertTrue(noResend.keyward().router().vendor("resend").isEmpty());
            String resend = new io.keyward.testing.AdminClient(full.baseUrl(), TestSecrets.ADMIN_TOKEN)
                    .issue("resend", "reviewer4", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}")
                    .get("key").asText();
            String email = "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\",\"text\":\"t\"}";
            for (String target : List.of("/emails", "/resend/emails")) {
                String req = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + resend
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + email.length() + "\r\n\r\n" + email;
                RawHttp.Response r = raw(noResend.port(), req);
                error(r, 403, "denied_vendor");
                assertFalse(r.bodyText().contains(resend.substring(20)), r.bodyText());
                CallRow row = CallAudit.byRequestId(noResend, r.header("X-Keyward-Request-Id"));
                assertEquals("denied_vendor", row.policyCheckResult());
            }
            assertEquals(0, vendor.received().size());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // (n) Whatever is not served: the JSON 404, never the container's page
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void n1_held_nothingUnservedIsAnswerdWithTheContainersPage() throws Exception {
        String key = calls.key("stripe", CREATE_ONLY);
        String h = " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        String[] requests = {
                "GET /" + h + "\r\n", "GET /favicon.ico" + h + "\r\n", "GET /not-served" + h + "\r\n",
                "PROPFIND /x" + h + "\r\n", "TRACE /x" + h + "\r\n", "OPTIONS /x" + h + "\r\n", "DELETE /x" + h + "\r\n",
                "GET /..%2f..%2fetc/passwd" + h + "\r\n",
                "GET /x?%zz=1" + h + "\r\n", "GET /x;jsessionid=1" + h + "\r\n",
                "GET /admin/../v1/payment_intents" + h + "Authorization: Bearer " + key + "\r\n\r\n",
                "BREW /v1/payment_intents" + h + "Authorization: Bearer " + key + "\r\n\r\n",
                "GET /stripe" + h + "\r\n", "GET /stripe/" + h + "\r\n",
                "POST /x" + h + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b",
                "GET /nothing" + h + "Authorization: Bearer not-a-vault-key\r\n\r\n",
                "GET /nothing" + h + "Authorization: Bearer " + TestSecrets.STRIPE + "\r\n\r\n",
        };
        List<String> wrong = new ArrayList<>();
        for (String req : requests) {
            RawHttp.Response r = raw(req);
            try {
                jsonError(r);
                assertFalse(r.everything().contains(TestSecrets.STRIPE.substring(8)), r.everything());
            } catch (AssertionError | Exception e) {
                wrong.add(req.substring(0, req.indexOf('\r')) + " -> " + e.getMessage());
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    // A request target Jetty's HTTP parser cannot decode ({@code %zz}, {@code %00}) is answered by the
    // server's error handler before any web app is chosen: the quickstart's server answers it in the
    // JSON shape (samples UnservedRequestTest); a shared jetty-home or Tomcat server is the operator's.

    // ---------------------------------------------------------------------------------------------
    // (e) The error body
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(20)
    void e1_anErrorBodyNeverEchoesAVaultKey() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\"}]}");
        String other = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        List<RawHttp.Response> replies = new ArrayList<>();
        // A parameter name refused before the vault-key check: repeated, or read two ways.
        replies.add(calls.send(key, "POST", "/stripe/v1/customers", FORM, "metadata[" + other + "]=a&metadata[" + other + "]=b"));
        replies.add(calls.send(key, "POST", "/stripe/v1/customers", FORM, other + "=a&" + other + "=b"));
        replies.add(calls.send(key, "POST", "/stripe/v1/customers?" + other + "=a", FORM, other + "=b"));
        replies.add(calls.send(key, "POST", "/v1/customers", FORM, "metadata[" + other + "][]=a&metadata[" + other + "][x]=b"));
        String rk = calls.key("resend", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}");
        replies.add(calls.send(rk, "POST", "/resend/emails", "application/json",
                "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\",\"text\":\"t\",\"" + other + "\":{\"a\":1}}"));
        replies.add(calls.send(rk, "POST", "/resend/emails", "application/json",
                "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\",\"text\":\"t\",\"headers\":{\"" + other + "\":[1]}}"));
        List<String> leaked = new ArrayList<>();
        for (RawHttp.Response r : replies) {
            jsonError(r);
            // Its public id may show (as in the audit trail); its secret part never.
            if (r.everything().contains(other.substring(20)) || r.everything().contains(other.substring(20, 40))) {
                leaked.add(r.status() + " " + r.bodyText());
            }
        }
        assertTrue(leaked.isEmpty(), "an error body carries a vault key:\n" + String.join("\n", leaked));
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(21)
    void e2_held_untrustedInputInAnErrorBodyIsEscaped() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\","
                + "\"params\":{\"email\":{\"pattern\":\"^[a-z]+@example\\\\.com$\"}}}]}");
        String hostile = "%22%7D%2C%22x%22%3A%22%3Cscript%3E%0D%0AX-Injected%3A%201%5C%00";
        List<RawHttp.Response> replies = List.of(
                calls.send(key, "POST", "/stripe/v1/customers", FORM, "email=" + hostile),
                calls.send(key, "POST", "/stripe/v1/customers", FORM, "metadata[%3Cb%3E%22]=1&metadata[%3Cb%3E%22]=2"),
                calls.send(key, "POST", "/stripe/v1/cus%3Ctomers%22", FORM, "a=1"),
                calls.send(key, "POST", "/v1/customers/%3Cscript%3E%22", FORM, "a=1"));
        for (RawHttp.Response r : replies) {
            JsonNode root = jsonError(r);
            assertEquals(Set.of("error", "code", "message", "more_info", "status", "statusCode", "name"),
                    Set.copyOf(iterable(root.fieldNames())), r.bodyText());
            assertFalse(r.bodyText().contains("<script") || r.bodyText().contains("\r") || r.bodyText().contains("\n"), r.bodyText());
            assertTrue(r.header("X-Injected") == null, r.everything());
        }
        assertEquals(0, gw.vendor().received().size());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // (c) Stripe's account_currency
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(30)
    void c1_aRefundCannotNameACheaperCurrencyThanItsChargeIsIn() throws Exception {
        // Stripe refunds a charge (or payment intent) in the charge's currency; `currency` on a refund
        // is read only for a customer-balance refund (origin=customer_balance). Priced in VND, a
        // $50,000 refund of a USD charge would cost $2.25 of a $100 cap.
        vendorOk("{\"object\":\"refund\",\"amount\":5000000,\"currency\":\"usd\"}");
        String key = calls.key("stripe", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"refunds.create\"}]}");
        for (String body : List.of("charge=ch_usd&amount=5000000&currency=vnd", "payment_intent=pi_usd&amount=5000000&currency=vnd",
                "charge=ch_usd&amount=5000000&currency=VND", "amount=5000000&currency=idr&charge=ch_usd")) {
            RawHttp.Response r = raw(post("/v1/refunds", body, "Authorization: Bearer " + key));
            error(r, 429, "denied_spend_cap");
        }
        RawHttp.Response q = raw(post("/v1/refunds?currency=vnd", "charge=ch_usd&amount=5000000", "Authorization: Bearer " + key));
        error(q, 429, "denied_spend_cap");
        assertEquals(0, gw.vendor().received().size(), "forwarded: " + gw.vendor().received());
        // Within the cap, a refund is still priced in full in the account currency.
        RawHttp.Response ok = raw(post("/v1/refunds", "charge=ch_usd&amount=5000&currency=vnd", "Authorization: Bearer " + key));
        assertEquals(200, ok.status(), ok.bodyText());
        assertEquals(0, audited(ok).estimatedUsd().compareTo(new java.math.BigDecimal("50.00")), audited(ok).estimatedUsd().toString());
    }

    @Test
    @Order(31)
    void c2_held_aCurrencySentWhereKeywardMightMissItIsStillPriced() throws Exception {
        vendorOk("{\"object\":\"payment_intent\",\"amount\":5000,\"currency\":\"gbp\"}");
        // $60 cap: 5000 pence is $70 (gbp 1.40), 5000 cents only $50.
        String key = calls.key("stripe", "\"daily_usd_cap\":\"60.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"},"
                + "{\"operation\":\"refunds.create\"}]}");
        String[][] probes = {
                {"/v1/payment_intents?currency=gbp", "amount=5000"}, {"/v1/payment_intents", "amount=5000&currency=GBP"},
                {"/v1/payment_intents", "amount=5000&%63urrency=gbp"}, {"/v1/payment_intents?%63urrency=gbp", "amount=5000"},
                {"/v1/payment_intents", "amount=5000&currency=usd&currency=gbp"}, {"/v1/payment_intents?currency=gbp", "amount=5000&currency=usd"},
                {"/v1/payment_intents", "amount=5000&currency[]=gbp"}, {"/v1/payment_intents", "amount=5000&currency[0]=gbp"},
                {"/v1/payment_intents", "amount=5000&currency[x]=gbp"}, {"/v1/payment_intents", "amount=5000&currency=gbp%00"},
                {"/v1/payment_intents", "amount=5000&currency=%20gbp"}, {"/v1/payment_intents", "amount=5000&currency"},
                {"/v1/refunds", "charge=ch_1&amount=5000&origin=customer_balance&currency=gbp"},
                {"/v1/refunds?origin=customer_balance", "charge=ch_1&amount=5000&currency=gbp"},
        };
        List<String> passed = new ArrayList<>();
        for (String[] p : probes) {
            RawHttp.Response r = raw(post(p[0], p[1], "Authorization: Bearer " + key));
            if (r.status() < 400) {
                passed.add(p[0] + " " + p[1] + " -> " + r.status() + " priced " + audited(r).estimatedUsd());
            } else {
                jsonError(r);
            }
        }
        assertTrue(passed.isEmpty(), "priced below what Stripe may read:\n" + String.join("\n", passed));
        assertEquals(0, gw.vendor().received().size());
    }

    @Test
    @Order(32)
    void c3_held_aRefundWithoutAmountIsRefusedAsUnpriced() throws Exception {
        vendorOk("{}");
        String key = calls.key("stripe", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"refunds.create\"}]}");
        for (String body : List.of("charge=ch_1", "payment_intent=pi_1&currency=usd", "charge=ch_1&amount=", "charge=ch_1&amount[]=1")) {
            RawHttp.Response r = raw(post("/v1/refunds", body, "Authorization: Bearer " + key));
            assertTrue(r.status() == 403 || r.status() == 400, r.status() + " " + r.bodyText());
            jsonError(r);
        }
        assertEquals(0, gw.vendor().received().size());
    }

    // ---------------------------------------------------------------------------------------------
    // (h) The vendor's Content-Type, written below the Servlet API
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(40)
    void h1_held_aSecretEchoedInTheContentTypeIsMasked() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"1.00\"");
        for (String echoed : List.of("application/json; x=" + TestSecrets.STRIPE, TestSecrets.STRIPE,
                "application/json; charset=\"" + TestSecrets.STRIPE + "\"")) {
            gw.vendor().reset();
            gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/plain").withHeader("content-type", echoed).withBody("{}")));
            RawHttp.Response r = calls.send(key, "GET", "/v1/customers/cus_1", null, null);
            String all = r.everything();
            for (int i = 0; i + 12 <= TestSecrets.STRIPE.length(); i++) {
                assertFalse(all.contains(TestSecrets.STRIPE.substring(i, i + 12)), all);
            }
        }
    }

    /** A vendor that answers every request with these bytes. */
    private static ServerSocket rawVendor(byte[] answer) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[65536];
                    StringBuilder head = new StringBuilder();
                    int n;
                    while (!head.toString().contains("\r\n\r\n") && (n = in.read(buf)) > 0) {
                        head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(answer);
                    out.flush();
                } catch (Exception closed) {
                    // next
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    @Order(41)
    void h2_held_aVendorCannotInjectAHeaderThroughItsContentType() throws Exception {
        String[] answers = {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\rX-Injected: cr\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n X-Injected: folded\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\u0000X-Injected: nul\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\u0085X-Injected: nel\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nX-Other: a\rX-Injected: other\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        };
        for (String answer : answers) {
            try (ServerSocket vendor = rawVendor(answer.getBytes(StandardCharsets.ISO_8859_1));
                 TestGateway g = TestGateway.start(TestDatabase.fresh(), "http://127.0.0.1:" + vendor.getLocalPort(), "", GUARDS)) {
                String key = new io.keyward.testing.AdminClient(g.baseUrl(), TestSecrets.ADMIN_TOKEN)
                        .issue("stripe", "reviewer4", "\"daily_usd_cap\":\"1.00\"").get("key").asText();
                RawHttp.Response r = raw(g.port(), "GET /v1/customers/cus_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + "Authorization: Bearer " + key + "\r\n\r\n");
                for (String[] header : r.headers()) {
                    assertFalse(header[0].equalsIgnoreCase("X-Injected"), answer + " -> " + r.everything());
                }
                assertFalse(r.everything().contains("\rX-Injected") || r.everything().contains("\nX-Injected"),
                        answer + " -> " + r.everything());
            }
        }
    }
}
