package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Approvals bound to the exact request (issue 17, item 5): a call above its allow entry's
 * {@code approval_above_usd} is refused 403 {@code approval_required} with nothing reserved; once an
 * operator approves, that request and no other passes, once, before the approval expires. Each test
 * is an attempt to get a payment past the operator.
 */
class ApprovalTest {
    private static final WireMockServer WEBHOOK = started();
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 100000\n"
            + "approvals:\n  valid_for: 4s\n  max_pending_per_key: 5\n  webhook_url: http://127.0.0.1:" + WEBHOOK.port() + "/hooks/approvals\n");
    private static final AgentCalls calls = new AgentCalls(gw, "approval-agent");
    private static final String POLICY = "{\"allow\":[{\"id\":\"charge\",\"operation\":\"payment_intents.create\","
            + "\"approval_above_usd\":\"30.00\"}]}";

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post(urlPathEqualTo("/hooks/approvals")).willReturn(aResponse().withStatus(204)));
        return server;
    }

    @AfterAll
    static void stopWebhook() {
        WEBHOOK.stop();
    }

    private static String key(String cap) throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\"}")));
        return calls.key("stripe", "\"daily_usd_cap\":\"" + cap + "\",\"policy\":" + POLICY);
    }

    private static RawHttp.Response charge(String key, int cents, String... headers) throws Exception {
        return calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=" + cents + "&currency=usd", headers);
    }

    /** The approval the refusal names, after checking the refusal is the one shape with nothing sent. */
    private static String approvalRequired(RawHttp.Response reply) throws Exception {
        JsonNode body = ErrorShape.assertKeywardError(reply, 403, "approval_required");
        String id = body.path("approval_id").asText();
        assertTrue(id.matches("apr_[0-9A-Za-z]{22}"), reply.bodyText());
        assertEquals(40305, io.keyward.json.Json.MAPPER.readTree(reply.bodyText()).path("code").asInt(), "its own number for Twilio's SDKs");
        return id;
    }

    private static AdminClient approver() throws Exception {
        AdminClient.Reply made = gw.admin().post("/tokens", "{\"name\":\"approver-" + System.nanoTime() % 100000 + "\",\"scopes\":[\"approve\"]}");
        assertEquals(201, made.status(), made.raw());
        return new AdminClient(gw.gateway().baseUrl(), made.json().path("token").asText());
    }

    private static void approve(String id) throws Exception {
        AdminClient.Reply ok = approver().post("/approvals/" + id + "/approve", "{\"reason\":\"ticket FIN-7\"}");
        assertEquals(200, ok.status(), ok.raw());
        assertEquals("approved", ok.json().path("state").asText());
    }

    @Test
    void aLargePaymentWaitsForAnOperatorAndThenPassesExactlyOnce() throws Exception {
        String key = key("200.00");
        assertEquals(200, charge(key, 2_000).status(), "under the threshold: no approval asked");
        int sent = gw.vendor().received().size();

        RawHttp.Response refused = charge(key, 5_000);
        String id = approvalRequired(refused);
        assertEquals(id, approvalRequired(charge(key, 5_000)), "the agent's retry names the same approval");
        assertEquals(sent, gw.vendor().received().size(), "nothing was sent");
        LedgerRow before = calls.ledger(key);
        assertEquals("20.00", io.keyward.money.Usd.format(before.spentUsd()));
        assertEquals(0, before.reservedUsd().signum(), "the refused call's cost was not reserved");
        CallRow row = calls.audit(refused);
        assertEquals("approval_required", row.policyCheckResult());
        assertEquals("charge.approval_above_usd", row.rule());

        AdminClient.Reply pending = approver().get("/approvals?state=pending");
        assertEquals(200, pending.status(), pending.raw());
        JsonNode listed = null;
        for (JsonNode a : pending.json().path("items")) {
            if (a.path("id").asText().equals(id)) {
                listed = a;
            }
        }
        assertTrue(listed != null, "listed as pending: " + pending.raw());
        assertEquals("50.00", listed.path("estimated_usd").asText());
        assertEquals("30.00", listed.path("threshold_usd").asText());
        assertEquals("approval-agent", listed.path("agent_name").asText());
        assertEquals("5000", listed.path("params").path("amount").asText(), "the operator sees what the request says: " + listed);
        assertEquals("usd", listed.path("params").path("currency").asText());
        assertFalse(pending.raw().contains("request_hash") || pending.raw().contains(key.substring(20)), pending.raw());

        approve(id);
        RawHttp.Response paid = charge(key, 5_000);
        assertEquals(200, paid.status(), paid.bodyText());
        assertEquals(sent + 1, gw.vendor().received().size());
        assertEquals("70.00", io.keyward.money.Usd.format(calls.ledger(key).spentUsd()), "reserved and settled as any call");
        assertEquals("allowed", calls.audit(paid).policyCheckResult());
        assertNotEquals(id, approvalRequired(charge(key, 5_000)), "once: the same request again needs a new approval");
    }

    @Test
    void anApprovalCoversItsOwnRequestAndNoOther() throws Exception {
        String key = key("200.00");
        String id = approvalRequired(charge(key, 5_000, "Idempotency-Key: pay-1"));
        approve(id);

        String other = approvalRequired(charge(key, 5_001, "Idempotency-Key: pay-1"));
        assertNotEquals(id, other, "another amount needs its own approval");
        String otherKey = approvalRequired(charge(key, 5_000, "Idempotency-Key: pay-2"));
        assertNotEquals(id, otherKey, "another Idempotency-Key is another request");
        String noKey = approvalRequired(charge(key, 5_000));
        assertNotEquals(id, noKey, "so is none");
        String account = approvalRequired(charge(key, 5_000, "Idempotency-Key: pay-1", "Stripe-Version: 2020-08-27"));
        assertNotEquals(id, account, "a header that changes what the parameters mean makes another request");

        int sent = gw.vendor().received().size();
        RawHttp.Response paid = charge(key, 5_000, "Idempotency-Key: pay-1");
        assertEquals(200, paid.status(), paid.bodyText());
        assertEquals(sent + 1, gw.vendor().received().size());
        JsonNode used = gw.admin().get("/approvals/" + id).json();
        assertEquals("used", used.path("state").asText());
        assertEquals(paid.header("X-Keyward-Request-Id"), used.path("used_request_id").asText(), "the call that used it is named");

        String again = approvalRequired(charge(key, 5_000, "Idempotency-Key: pay-1"));
        assertNotEquals(id, again, "once: the same request again needs a new approval");
    }

    @Test
    void twoRequestsThatDifferOnlyInWhereTheMoneyGoesDoNotLookAlikeToTheOperator() throws Exception {
        String key = key("500.00");
        String legit = approvalRequired(calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=5000&currency=usd&transfer_data%5Bdestination%5D=acct_LEGIT"));
        String other = approvalRequired(calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=5000&currency=usd&transfer_data%5Bdestination%5D=acct_ATTACKER"));
        JsonNode a = gw.admin().get("/approvals/" + legit).json().path("params");
        JsonNode b = gw.admin().get("/approvals/" + other).json().path("params");
        assertEquals("acct_LEGIT", a.path("transfer_data[destination]").asText(), a.toString());
        assertEquals("acct_ATTACKER", b.path("transfer_data[destination]").asText(), b.toString());
    }

    @Test
    void copiesOfTheApprovedCallSentAtOnceGetOneThrough() throws Exception {
        String key = key("500.00");
        String id = approvalRequired(charge(key, 6_000));
        approve(id);
        int sent = gw.vendor().received().size();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<RawHttp.Response>> copies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            copies.add(pool.submit((Callable<RawHttp.Response>) () -> charge(key, 6_000)));
        }
        int ok = 0;
        for (Future<RawHttp.Response> copy : copies) {
            RawHttp.Response reply = copy.get();
            if (reply.status() == 200) {
                ok++;
            } else {
                ErrorShape.assertKeywardError(reply, 403, "approval_required");
            }
        }
        pool.shutdown();
        assertEquals(1, ok, "one approval, one payment");
        assertEquals(sent + 1, gw.vendor().received().size());
        assertEquals("60.00", io.keyward.money.Usd.format(calls.ledger(key).spentUsd()));
    }

    @Test
    void copiesOfAnUnapprovedCallSentAtOnceWaitOnOneApproval() throws Exception {
        String key = key("500.00");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<RawHttp.Response>> copies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            copies.add(pool.submit((Callable<RawHttp.Response>) () -> charge(key, 6_500)));
        }
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Future<RawHttp.Response> copy : copies) {
            named.add(approvalRequired(copy.get()));
        }
        pool.shutdown();
        assertEquals(1, named.size(), "one approval for one request, not one per copy for the operator to approve twice: " + named);
    }

    @Test
    void aDeniedOrExpiredApprovalLetsNothingThrough() throws Exception {
        String key = key("200.00");
        String denied = approvalRequired(charge(key, 7_000));
        AdminClient.Reply no = approver().post("/approvals/" + denied + "/deny", "{\"reason\":\"not this vendor\"}");
        assertEquals(200, no.status(), no.raw());
        assertEquals("denied", no.json().path("state").asText());
        RawHttp.Response again = charge(key, 7_000);
        assertEquals(denied, approvalRequired(again), "a denial stands: the retry is not put in front of the operator again");
        assertTrue(again.bodyText().contains("denied"), again.bodyText());
        AdminClient.Reply late = approver().post("/approvals/" + denied + "/approve", "{}");
        assertEquals(409, late.status(), "a decided approval cannot be decided again: " + late.raw());

        String expiring = approvalRequired(charge(key, 8_000));
        approve(expiring);
        Thread.sleep(4_500); // approvals.valid_for is 4s in this class
        assertNotEquals(expiring, approvalRequired(charge(key, 8_000)), "an approval not used in time is gone");
    }

    @Test
    void onlyATokenWithTheApproveScopeDecides() throws Exception {
        String key = key("200.00");
        String id = approvalRequired(charge(key, 9_000));
        AdminClient.Reply made = gw.admin().post("/tokens", "{\"name\":\"auditor-" + System.nanoTime() % 100000 + "\",\"scopes\":[\"audit:read\",\"keys:read\"]}");
        AdminClient auditor = new AdminClient(gw.gateway().baseUrl(), made.json().path("token").asText());
        assertEquals(403, auditor.post("/approvals/" + id + "/approve", "{}").status());
        assertEquals(403, auditor.get("/approvals?state=pending").status());
        assertEquals(404, approver().post("/approvals/apr_0000000000000000000000/approve", "{}").status());
        assertEquals(400, approver().get("/approvals?state=maybe").status());
        JsonNode event = null;
        try (java.sql.Connection c = gw.gateway().keyward().store().dataSource().getConnection()) {
            approve(id);
            java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT action, admin_id FROM admin_events WHERE target = '" + id + "'");
            assertTrue(rs.next(), "the decision is an admin event");
            assertEquals("approve", rs.getString(1));
            assertTrue(rs.getString(2).startsWith("approver-"), rs.getString(2));
        }
    }

    @Test
    void anApprovedCallStoppedByTheCapKeepsItsApproval() throws Exception {
        String key = key("40.00");
        String id = approvalRequired(charge(key, 5_000));
        approve(id);
        ErrorShape.assertKeywardError(charge(key, 5_000), 429, "denied_spend_cap");
        assertEquals("approved", gw.admin().get("/approvals/" + id).json().path("state").asText(),
                "a call refused before it was sent does not spend the operator's yes");
    }

    @Test
    void aLoopingAgentCannotBuryTheOperatorInApprovals() throws Exception {
        String key = key("500.00");
        for (int i = 0; i < 5; i++) {
            approvalRequired(charge(key, 10_000 + i));
        }
        ErrorShape.assertKeywardError(charge(key, 10_100), 429, "denied_rate_limit");
        assertEquals(403, charge(key, 10_000).status(), "a request already waiting is still named");
    }

    @Test
    void eachNewApprovalIsAnnouncedOnceToTheWebhookWithoutSecrets() throws Exception {
        String key = key("200.00");
        String id = approvalRequired(charge(key, 11_000));
        approvalRequired(charge(key, 11_000));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> bodies = List.of();
        while (System.nanoTime() < deadline) {
            bodies = WEBHOOK.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).filter(b -> b.contains(id)).toList();
            if (!bodies.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        }
        Thread.sleep(300);
        List<String> announced = WEBHOOK.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).filter(b -> b.contains(id)).toList();
        assertEquals(1, announced.size(), "announced once, not per retry: " + announced);
        JsonNode hook = io.keyward.json.Json.MAPPER.readTree(announced.get(0));
        assertAll(
                () -> assertEquals("approval.pending", hook.path("event").asText()),
                () -> assertEquals("110.00", hook.path("approval").path("estimated_usd").asText()),
                () -> assertFalse(announced.get(0).contains(key.substring(20)), "no vault key secret"),
                () -> assertFalse(announced.get(0).contains(TestSecrets.STRIPE), "no vendor secret"));
    }
}
