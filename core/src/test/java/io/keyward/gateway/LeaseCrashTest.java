package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.GatewayProcess;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL while it holds an escrow lease (on by default): once the lease expires
 * another node gives back what the lease had not drawn; what it had drawn stays reserved (its calls
 * may be at the vendor), so the cap can never be overshot; after a restart every call that reached
 * the vendor has its audit row and the ledger moves no further.
 */
class LeaseCrashTest {
    private static final BigDecimal CALL = new BigDecimal("0.37");
    /** A $100.00 key's lease: a $5.00 chunk, drawn $1.25 at a time. */
    private static final BigDecimal DRAW = new BigDecimal("1.25");
    private static final int ANSWERED = 6;
    private static final int AT_THE_VENDOR = 2;

    @Test
    void aKilledNodesLeaseComesBackAtExpiryAndWhatItDrewStaysReserved() throws Exception {
        String jdbc = TestDatabase.fresh();
        Path spool = Path.of("target", "lease-crash-" + UUID.randomUUID()).toAbsolutePath();
        Path extra = Files.createDirectories(spool.getParent()).resolve(spool.getFileName() + ".yaml");
        String leases = "spend:\n  lease_ttl: 1s\n";
        Files.writeString(extra, "audit:\n  spool_dir: " + spool + "\n" + leases);
        try (FakeVendor vendor = new FakeVendor();
             TestGateway other = TestGateway.start(jdbc, vendor.baseUrl(), leases)) {
            vendor.server().stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\",\"amount\":37}")));
            // These two are still at the vendor when the node is killed.
            vendor.server().stubFor(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing("slow-")).atPriority(1)
                    .willReturn(aResponse().withStatus(200).withFixedDelay(30_000)
                            .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\",\"amount\":37}")));
            String keyId;
            LeaseRow before;
            try (GatewayProcess.Running node = GatewayProcess.launch(jdbc, vendor.baseUrl(), extra,
                    spool.getParent().resolve(spool.getFileName() + ".log"))) {
                String key = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN).issue("stripe", "crashing-agent",
                        "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
                keyId = key.substring(3, 19);
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < ANSWERED; i++) {
                    assertEquals(200, http.send(payment(node, key, "fast-" + i), HttpResponse.BodyHandlers.discarding()).statusCode());
                }
                for (int i = 0; i < AT_THE_VENDOR; i++) {
                    http.sendAsync(payment(node, key, "slow-" + i), HttpResponse.BodyHandlers.discarding());
                }
                KillNineAuditTest.awaitReceived(vendor, ANSWERED + AT_THE_VENDOR);
                awaitSpent(other, keyId, CALL.multiply(BigDecimal.valueOf(ANSWERED)));
                List<LeaseRow> held = leases(other, keyId);
                assertEquals(1, held.size(), "every call came from one lease: " + held);
                before = held.get(0);
                assertEquals("held", before.state());
            }

            LeaseRow reaped = awaitEnded(other, keyId, Duration.ofSeconds(20));
            assertEquals("released", reaped.state(), "the other node gave the expired lease back");
            BigDecimal drawn = DRAW.multiply(BigDecimal.valueOf(reaped.draws()));
            BigDecimal answered = CALL.multiply(BigDecimal.valueOf(ANSWERED));
            LedgerRow afterReap = ledger(other, keyId);
            assertEquals(0, afterReap.spentUsd().compareTo(answered), "the answered calls are spent: " + afterReap);
            assertEquals(0, afterReap.reservedUsd().compareTo(drawn.subtract(answered)),
                    "only what the dead node had drawn and not settled stays reserved (" + reaped.draws() + " draws): " + afterReap);
            assertTrue(afterReap.reservedUsd().compareTo(CALL.multiply(BigDecimal.valueOf(AT_THE_VENDOR))) >= 0,
                    "the calls still at the vendor stay covered: " + afterReap);
            assertTrue(afterReap.reservedUsd().subtract(CALL.multiply(BigDecimal.valueOf(AT_THE_VENDOR))).compareTo(DRAW.multiply(new BigDecimal("1.5"))) < 0,
                    "what is left unused is less than one and a half draws: " + afterReap);

            try (TestGateway restarted = TestGateway.start(jdbc, vendor.baseUrl(), Files.readString(extra))) {
                restarted.flushAudit();
                restarted.keyward().spend().flush(Duration.ofSeconds(10));
                List<CallRow> rows = restarted.keyward().store().calls()
                        .list(new CallQuery(null, keyId, null, null, "allowed", null, null, null, 500));
                assertEquals(ANSWERED + AT_THE_VENDOR, rows.size(), "one audit row per call the vendor received, no more");
                assertEquals(AT_THE_VENDOR, rows.stream().filter(r -> r.reason() != null
                        && r.reason().startsWith("the node stopped while the call was at the vendor")).count(), "the killed calls' rows say so");
                LedgerRow afterRestart = ledger(restarted, keyId);
                assertEquals(0, afterRestart.spentUsd().compareTo(afterReap.spentUsd()), "the restart settles nothing twice");
                assertEquals(0, afterRestart.reservedUsd().compareTo(afterReap.reservedUsd()),
                        "and gives back nothing the vendor may have acted on");
            }
        }
    }

    private static HttpRequest payment(GatewayProcess.Running node, String key, String description) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + "/stripe/v1/payment_intents"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("amount=37&currency=usd&description=" + description)).build();
    }

    /** A lease's row: what it holds undrawn, how many draws were made, its state. */
    private record LeaseRow(String id, BigDecimal undrawn, int draws, String state) {
    }

    private static List<LeaseRow> leases(TestGateway node, String keyId) throws Exception {
        try (Connection c = node.keyward().store().dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("SELECT id, amount_usd, lease_draws, state FROM spend_reservations"
                     + " WHERE key_id = ? AND lease_expires_at IS NOT NULL")) {
            st.setString(1, keyId);
            try (ResultSet rs = st.executeQuery()) {
                List<LeaseRow> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(new LeaseRow(rs.getString(1), rs.getBigDecimal(2), rs.getInt(3), rs.getString(4)));
                }
                return rows;
            }
        }
    }

    private static LeaseRow awaitEnded(TestGateway node, String keyId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<LeaseRow> rows = leases(node, keyId);
            if (rows.size() == 1 && !rows.get(0).state().equals("held")) {
                return rows.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the dead node's lease was not given back within " + timeout + ": " + rows);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitSpent(TestGateway node, String keyId, BigDecimal spent) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ledger(node, keyId).spentUsd().compareTo(spent) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the answered calls were not settled: " + ledger(node, keyId));
            }
            Thread.sleep(20);
        }
    }

    private static LedgerRow ledger(TestGateway node, String keyId) {
        return node.keyward().store().spend().current("key", keyId).orElseThrow();
    }
}
