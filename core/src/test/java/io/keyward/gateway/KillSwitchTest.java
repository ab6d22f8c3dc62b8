package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.AdminClient;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TwoNodesExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kill switches on two nodes: each scope, taken on node A, refuses the very next call on node B
 * (escrow leases off: a leased call is refused within a poll instead, see {@code SpendLeaseTest});
 * a vendor or global switch stops even keys issued afterwards until it is lifted, and lifting it
 * un-revokes nothing; revoking one agent never touches another's calls.
 */
class KillSwitchTest {
    @RegisterExtension
    static final TwoNodesExtension nodes = new TwoNodesExtension("guards:\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n"
            + "  loop_max_repeats: 100000\n" + "spend:\n  lease_usd: \"off\"\n");
    private static final String POLICY = "\"daily_usd_cap\":\"1000.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"},"
            + "{\"operation\":\"customers.retrieve\"},{\"operation\":\"emails.send\"},{\"operation\":\"emails.get\"}]}";

    private static String issue(String vendor, String agent, String run) throws Exception {
        return nodes.admin().issue(vendor, agent, (run == null ? "" : "\"agent_run_id\":\"" + run + "\",") + POLICY).get("key").asText();
    }

    private static int pay(TestGateway node, String key) throws Exception {
        return payment(node, key).status();
    }

    private static RawHttp.Response payment(TestGateway node, String key) throws Exception {
        String body = "amount=37&currency=usd&description=" + UUID.randomUUID();
        return RawHttp.send(node.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    private static int read(TestGateway node, String key) throws Exception {
        return RawHttp.send(node.port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)).status();
    }

    /**
     * Repeats a call until it answers {@code wanted} or 5 s have passed (the revoke poll is 100 ms;
     * the deadline only bounds a failing test), and returns the last status.
     */
    private static int awaitStatus(java.util.concurrent.Callable<Integer> call, int wanted) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status = call.call();
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(20);
            status = call.call();
        }
        return status;
    }

    private static JsonNode act(String path, String body) throws Exception {
        AdminClient.Reply reply = nodes.admin().post(path, body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    @Test
    void eachScopeTakenOnOneNodeBitesOnTheOtherAtOnceForMoneyAndWithinAPollForReads() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        String byKey = issue("stripe", agent + "-k", null);
        String byAgent1 = issue("stripe", agent, null);
        String byAgent2 = issue("stripe", agent, null);
        String byRun = issue("stripe", agent + "-r", "run-" + agent);
        String bystander = issue("stripe", agent + "-other", null);
        for (String key : List.of(byKey, byAgent1, byAgent2, byRun, bystander)) {
            assertEquals(200, pay(nodes.nodeB(), key));
        }

        assertEquals(1, act("/revoke", "{\"key_id\":\"" + byKey.substring(3, 19) + "\",\"reason\":\"r1\"}").get("revoked").asInt());
        assertEquals(401, pay(nodes.nodeB(), byKey), "a money-moving call at once (its reservation checks)");
        assertEquals(401, awaitStatus(() -> read(nodes.nodeB(), byKey), 401), "reads too, from the next revoke poll");

        assertEquals(2, act("/revoke", "{\"agent_name\":\"" + agent + "\",\"reason\":\"r2\"}").get("revoked").asInt());
        assertEquals(401, pay(nodes.nodeB(), byAgent1));
        assertEquals(401, pay(nodes.nodeB(), byAgent2));

        assertEquals(1, act("/runs/run-" + agent + "/end", "{\"reason\":\"run finished\"}").get("revoked").asInt());
        assertEquals(401, pay(nodes.nodeB(), byRun));

        assertEquals(200, pay(nodes.nodeB(), bystander), "other agents are untouched");
        assertEquals(0, act("/revoke", "{\"agent_name\":\"" + agent + "\"}").get("revoked").asInt(), "revoked keys stay revoked; nothing to do twice");
        assertTrue(adminEvents("revoke") >= 3);
        assertTrue(adminEvents("end_run") >= 1);
    }

    @Test
    void aVendorSwitchStopsThatVendorUntilLiftedAndLiftingUnrevokesNothing() throws Exception {
        String before = issue("stripe", "v-agent", null);
        String resend = issue("resend", "v-agent", null);
        JsonNode off = act("/revoke", "{\"vendor\":\"stripe\",\"reason\":\"stripe incident\"}");
        assertTrue(off.get("revoked").asInt() >= 1);
        assertEquals("vendor:stripe", off.get("kill_switch").asText());

        String after = issue("stripe", "v-agent", null);
        assertEquals(401, pay(nodes.nodeB(), after), "a key issued while the vendor is switched off cannot call");
        assertEquals(401, read(nodes.nodeB(), after));
        String json = "{\"to\":[\"a@b.co\"]}";
        RawHttp.Response email = RawHttp.send(nodes.nodeB().port(), ("POST /resend/emails HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + resend + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                + "\r\n\r\n" + json).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, email.status(), "another vendor is untouched: " + email.bodyText());

        assertEquals(1, act("/unfreeze", "{\"vendor\":\"stripe\",\"reason\":\"resolved\"}").get("unfrozen").asInt());
        assertEquals(200, awaitStatus(() -> pay(nodes.nodeB(), after), 200), "the key issued during the freeze works once it is lifted");
        assertEquals(401, pay(nodes.nodeB(), before), "a key revoked by the switch stays revoked");
        assertTrue(adminEvents("unfreeze") >= 1);
    }

    @Test
    void theGlobalSwitchStopsEverything() throws Exception {
        String stripe = issue("stripe", "g-agent", null);
        act("/revoke", "{\"all\":true,\"reason\":\"all stop\"}");
        String fresh = issue("resend", "g-agent", null);
        assertEquals(401, pay(nodes.nodeB(), stripe));
        RawHttp.Response email = RawHttp.send(nodes.nodeA().port(), ("GET /resend/emails/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + fresh + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(401, email.status());
        assertTrue(email.bodyText().contains("kill switch"));
        act("/unfreeze", "{\"all\":true}");
        assertEquals(200, RawHttp.send(nodes.nodeA().port(), ("GET /resend/emails/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + fresh + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)).status());
    }

    /**
     * Four threads pay as agent A and four as agent B, across both nodes, before and after A is
     * revoked on node A. Every call A starts once the revoke has answered is refused 401
     * {@code denied_revoked} (money-moving calls check revocation in their reservation) while B's
     * load goes on, and every one of B's calls passes, before, during and after.
     */
    @Test
    void revokingOneAgentUnderLoadNeverTouchesAnother() throws Exception {
        String a = issue("stripe", "load-a", null);
        String b = issue("stripe", "load-b", null);
        int threads = 8;
        int callsAfterRevoke = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch loaded = new java.util.concurrent.CountDownLatch(threads);
        AtomicBoolean revoked = new AtomicBoolean();
        List<Future<int[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean agentB = t % 2 == 1;
            TestGateway node = t % 4 < 2 ? nodes.nodeA() : nodes.nodeB();
            results.add(pool.submit(() -> {
                int passedAfter = 0;
                int refusedAfter = 0;
                for (int calls = 0, after = 0; after < callsAfterRevoke; calls++) {
                    boolean startedAfterRevoke = revoked.get();
                    RawHttp.Response reply = payment(node, agentB ? b : a);
                    if (agentB && reply.status() != 200) {
                        throw new AssertionError("agent B got " + reply.status() + ": " + reply.bodyText());
                    }
                    if (!agentB && reply.status() != 200 && !(reply.status() == 401 && revokedReply(reply))) {
                        throw new AssertionError("agent A got " + reply.status() + ": " + reply.bodyText());
                    }
                    if (startedAfterRevoke) {
                        after++;
                        if (reply.status() == 200) {
                            passedAfter++;
                        } else {
                            refusedAfter++;
                        }
                    }
                    if (calls == 2) {
                        loaded.countDown();
                    }
                }
                return new int[] {agentB ? 1 : 0, passedAfter, refusedAfter};
            }));
        }
        assertTrue(loaded.await(60, TimeUnit.SECONDS), "every thread is paying before the revoke");
        act("/revoke", "{\"agent_name\":\"load-a\",\"reason\":\"isolate A\"}");
        revoked.set(true);
        int bPassed = 0;
        int aPassed = 0;
        int aRefused = 0;
        for (Future<int[]> f : results) {
            int[] r = f.get(60, TimeUnit.SECONDS);
            if (r[0] == 1) {
                bPassed += r[1];
            } else {
                aPassed += r[1];
                aRefused += r[2];
            }
        }
        pool.shutdown();
        assertEquals(0, aPassed, "no payment of agent A started after its revoke answered went through");
        assertEquals(4 * callsAfterRevoke, aRefused, "each was refused 401 denied_revoked while the load ran");
        assertEquals(4 * callsAfterRevoke, bPassed, "and every one of agent B's calls meanwhile went through");
    }

    private static boolean revokedReply(RawHttp.Response reply) {
        return reply.bodyText().contains("\"code\":\"denied_revoked\"");
    }

    @Test
    void killSwitchInputIsValidated() throws Exception {
        assertEquals(400, nodes.admin().post("/revoke", "{\"agent_name\":\"x\",\"vendor\":\"stripe\"}").status());
        assertEquals(400, nodes.admin().post("/revoke", "{}").status());
        assertEquals(400, nodes.admin().post("/revoke", "{\"vendor\":\"paypal\"}").status());
        assertEquals(400, nodes.admin().post("/revoke", "{\"all\":\"yes\"}").status());
        assertEquals(400, nodes.admin().post("/unfreeze", "{}").status());
        assertEquals(401, new AdminClient(nodes.nodeA().baseUrl(), "nope").post("/revoke", "{\"all\":true}").status());
    }

    private static int adminEvents(String action) throws Exception {
        try (Connection c = nodes.nodeA().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM admin_events WHERE action = '" + action
                     + "' AND admin_id <> '' AND request_id LIKE 'kwr_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
