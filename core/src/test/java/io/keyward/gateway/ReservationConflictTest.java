package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.key.VaultKeyFormat;
import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.store.SpendFaults;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Galera certification conflict does to the spend ledger, shown on one real MariaDB with
 * failures injected around the statements (SpendFaults): a 1213 that rolled the reservation back,
 * one reported for a reservation that did commit (a phantom commit), settles that fail and land
 * later, a settle owed when the node stops and paid by the next node on the same spool, and a key
 * not found that is read once more with causal reads.
 */
class ReservationConflictTest {
    private static final String HIGH_LIMITS = "guards:\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n  loop_max_repeats: 100000\n";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeVendor vendor;
    private String db;
    private Path spool;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        vendor = new FakeVendor();
        vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"payment_intent\",\"amount\":37,\"currency\":\"usd\"}")));
        db = TestDatabase.fresh();
        spool = Files.createTempDirectory("keyward-spool");
        gateway = startGateway();
    }

    private TestGateway startGateway() throws Exception {
        // Shorter than the 10 s default, so that the test of conflicts outlasting it is quick.
        return TestGateway.start(db, vendor.baseUrl(), "  retry_deadline: 2s\n", HIGH_LIMITS + "audit:\n  spool_dir: " + spool + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        try (FakeVendor v = vendor; TestGateway g = gateway) {
            // closed in reverse order
        }
    }

    @Test
    void conflictsBeforeAndAfterTheCommitReserveExactlyOnceAndTheAgentGets200() throws Exception {
        String key = issue("1.11");
        assertEquals(200, pay(key, 0), "a first call creates the day's ledger row");
        // Every reservation: attempt 1 rolled back by a conflict, attempt 2 committed but reported as
        // a 1213 (Galera's phantom commit), attempt 3 must find attempt 2's row and hold nothing more.
        RollbackThenPhantom faults = new RollbackThenPhantom();
        AtomicInteger injected = faults.injected;
        spend().injectFaults(faults);
        long retriesBefore = spend().reserveRetries();
        long foundBefore = spend().reservesFoundCommitted();
        long started = System.nanoTime();
        assertEquals(200, pay(key, 1), "a conflict is retried, never a 503");
        assertEquals(200, pay(key, 2), "the cap holds exactly three: the phantom commit was not counted twice, so no false over_key_cap");
        long millis = (System.nanoTime() - started) / 2_000_000;
        assertEquals(429, pay(key, 3), "and the third is over the cap for real");
        spend().injectFaults(null);

        assertEquals(6, injected.get());
        assertEquals(6, spend().reserveRetries() - retriesBefore, "two retries per reservation (the refused call's too)");
        assertEquals(2, spend().reservesFoundCommitted() - foundBefore, "each retry after a phantom commit found its own reservation");
        assertEquals(3, vendor.received().size(), "the vendor saw the three admitted calls");
        settleAll();
        LedgerRow row = ledger(key);
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("1.11")), "spent " + row.spentUsd());
        assertEquals(0, row.reservedUsd().signum(), "nothing left reserved: reserved " + row.reservedUsd());
        assertEquals(0, audited(key).compareTo(row.spentUsd()), "spent = the audit rows");
        assertEquals(3, count("SELECT COUNT(*) FROM spend_reservations WHERE key_id = '" + keyId(key) + "' AND state = 'settled'"));
        System.out.printf("conflict retries: %d per reservation, %d ms per admitted call with two injected conflicts%n", 2, millis);
    }

    @Test
    void leaseGrantsDrawsAndTheirSettlesUnderConflictsHoldAndSpendTheMoneyOnce() throws Exception {
        String key = issue("100.00");
        assertEquals(200, pay(key, 0), "a first call creates the day's ledger row and this node's lease ($5.00, drawn $1.25 at a time)");
        // Every lease statement (the grant of a new lease, each draw): attempt 1 rolled back, attempt 2
        // committed and reported as a 1213. Every settle batch: committed, then reported failed once.
        RollbackThenPhantom faults = new RollbackThenPhantom() {
            @Override
            public void afterEndCommit(int attempt) throws SQLException {
                if (attempt % 2 == 1) {
                    injected.incrementAndGet();
                    throw SpendFaults.certificationFailure();
                }
            }
        };
        AtomicInteger injected = faults.injected;
        spend().injectFaults(faults);
        long foundBefore = spend().reservesFoundCommitted();
        for (int i = 1; i < 20; i++) {
            assertEquals(200, pay(key, i), "a conflict is retried, never a 503");
        }
        settleAll();
        spend().injectFaults(null);
        String keyId = keyId(key);
        BigDecimal spent = new BigDecimal("0.37").multiply(BigDecimal.valueOf(20));
        // 20 x $0.37 = $7.40: two $5.00 leases, the first drawn four times, the second at least twice;
        // every one of those statements after the first call met a phantom commit.
        assertEquals(2, count("SELECT COUNT(*) FROM spend_reservations WHERE key_id = '" + keyId + "' AND lease_expires_at IS NOT NULL"));
        assertTrue(spend().reservesFoundCommitted() - foundBefore >= 5,
                "each retry after a phantom grant or draw found it made: " + (spend().reservesFoundCommitted() - foundBefore));
        assertEquals(20, count("SELECT COUNT(*) FROM spend_reservations WHERE key_id = '" + keyId + "' AND state = 'settled'"),
                "every call's settle written once, however often its batch was sent");
        gateway.keyward().spend().dropLeases();
        LedgerRow row = ledger(key);
        // A grant or draw counted twice would leave money reserved that no lease holds; a settle counted
        // twice would show in spent.
        assertEquals(0, row.reservedUsd().signum(), "with the leases given back nothing is left reserved: " + row);
        assertEquals(0, row.spentUsd().compareTo(spent), "each call spent once: " + row);
        assertTrue(injected.get() >= 10, "faults were injected: " + injected.get());
        assertEquals(0, audited(key).compareTo(spent), "spent = the audit rows");
    }

    @Test
    void eachCallsReservationRowCarriesItsRequestIdLeasedOrNot() throws Exception {
        String small = issue("100.00");
        String large = issue("1.00");
        for (String key : List.of(small, large)) {
            // $0.37: from a lease on the $100.00 key (a $1.25 draw), alone on the $1.00 key (its draw is $0.0125).
            java.net.http.HttpResponse<Void> reply = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gateway.baseUrl() + "/stripe/v1/payment_intents"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("amount=37&currency=usd")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertEquals(200, reply.statusCode());
            settleAll();
            String requestId = reply.headers().firstValue("X-Keyward-Request-Id").orElseThrow();
            assertEquals(1, count("SELECT COUNT(*) FROM spend_reservations WHERE id = '" + requestId + "' AND key_id = '"
                    + keyId(key) + "' AND state = 'settled' AND amount_usd = 0.37"), "the settled row of " + requestId);
        }
    }

    @Test
    void aReservationWhoseAnswerIsLostPastTheDeadlineIsGivenBack() throws Exception {
        String key = issue("10.00");
        assertEquals(200, pay(key, 0), "a first call creates the day's ledger row");
        // The reservation commits, and then every answer is lost for longer than the deadline
        // (database.retry_deadline: 2s): the agent gets 503 once it has passed, not before, and what
        // did commit must not stay reserved for the rest of the day.
        spend().injectFaults(new SpendFaults() {
            @Override
            public void afterReserve(String reservationId, int attempt) throws SQLException {
                throw SpendFaults.certificationFailure();
            }
        });
        long began = System.nanoTime();
        assertEquals(503, pay(key, 1), "conflicts that outlast the deadline are refused");
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        // The last pause before giving up (at most 320 ms) is not waited when it would end past the deadline.
        assertTrue(tookMillis >= 1_600 && tookMillis < 5_000, "refused after the configured 2 s of retries, not " + tookMillis + " ms");
        spend().injectFaults(null);
        settleAll();
        LedgerRow row = ledger(key);
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("0.37")), "spent " + row.spentUsd());
        assertEquals(0, row.reservedUsd().signum(), "the refused call's committed reservation was given back");
        assertEquals(1, count("SELECT COUNT(*) FROM spend_reservations WHERE key_id = '" + keyId(key) + "' AND state = 'released'"));
        assertEquals(1, vendor.received().size(), "the refused call never reached the vendor");
    }

    @Test
    void aSettleThatFailsSeveralTimesLandsLaterAndSpentEqualsTheAudit() throws Exception {
        String key = issue("10.00");
        AtomicInteger failures = new AtomicInteger();
        spend().injectFaults(new SpendFaults() {
            @Override
            public void beforeEndCommit(int attempt) throws SQLException {
                if (failures.get() < 4) {
                    failures.incrementAndGet();
                    throw SpendFaults.certificationFailure();
                }
            }
        });
        long retriesBefore = gateway.keyward().spend().settleRetries();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, pay(key, i));
        }
        settleAll();
        spend().injectFaults(null);
        assertEquals(4, failures.get());
        assertTrue(gateway.keyward().spend().settleRetries() - retriesBefore >= 4, "each failed batch was tried again");
        LedgerRow row = ledger(key);
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("1.85")), "spent " + row.spentUsd());
        assertEquals(0, row.reservedUsd().signum(), "reserved " + row.reservedUsd());
        assertEquals(0, audited(key).compareTo(row.spentUsd()), "spent = the audit rows");
    }

    @Test
    void aSettleOwedWhenTheNodeStopsIsPaidByTheNextStartOnTheSameSpool() throws Exception {
        String key = issue("10.00");
        spend().injectFaults(new SpendFaults() {
            @Override
            public void beforeEndCommit(int attempt) throws SQLException {
                throw SpendFaults.certificationFailure();
            }
        });
        assertEquals(200, pay(key, 1));
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (gateway.keyward().spend().settleRetries() < 2 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertTrue(gateway.keyward().spend().settleRetries() >= 2, "the settle is being retried");
        assertEquals(1, gateway.keyward().spend().pendingSettles());
        gateway.flushAudit();
        gateway.close();
        assertEquals(0, new BigDecimal("0.37").compareTo(decimal("SELECT reserved_usd FROM spend_ledger WHERE scope_id = '"
                + keyId(key) + "'")), "still reserved when the node stopped");
        assertEquals(0, decimal("SELECT spent_usd FROM spend_ledger WHERE scope_id = '" + keyId(key) + "'").signum());

        gateway = startGateway();
        assertTrue(gateway.keyward().spend().flush(Duration.ofSeconds(10)), "the settle owed from before the restart landed");
        LedgerRow row = ledger(key);
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("0.37")), "spent " + row.spentUsd());
        assertEquals(0, row.reservedUsd().signum(), "reserved " + row.reservedUsd());
        assertEquals(0, audited(key).compareTo(row.spentUsd()), "spent = the audit rows");
        assertEquals(0, Files.size(spool.resolve("spend-settles.journal")), "nothing owed any more: the journal is empty");
    }

    @Test
    void aKeyNotFoundIsReadOnceMoreWithCausalReadsBeforeItIsRefused() throws Exception {
        String key = issue("10.00");
        var keys = gateway.keyward().store().keys();
        long before = keys.causalLookups();
        assertEquals(200, pay(key, 1));
        assertEquals(before, keys.causalLookups(), "a key that is found costs no second read");

        String unknown = new VaultKeyFormat(new java.security.SecureRandom()).generate().text();
        assertEquals(401, pay(unknown, 2));
        assertEquals(before + 1, keys.causalLookups(), "exactly one causal re-read before denied_unknown_key");
        assertEquals(401, pay(unknown, 3));
        assertEquals(before + 1, keys.causalLookups(), "the id is then remembered as unknown until the next poll");
        // The pooled connections are left as they were: causal reads stay off for every other query.
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@session.wsrep_sync_wait")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    /** Galera's two conflicts on every reservation or lease statement: attempt 1 rolled back, attempt 2 committed and reported as a 1213. */
    private static class RollbackThenPhantom implements SpendFaults {
        final AtomicInteger injected = new AtomicInteger();

        @Override
        public void beforeReserve(String id, int attempt) throws SQLException {
            if (attempt == 1) {
                injected.incrementAndGet();
                throw SpendFaults.certificationFailure();
            }
        }

        @Override
        public void afterReserve(String id, int attempt) throws SQLException {
            if (attempt == 2) {
                injected.incrementAndGet();
                throw SpendFaults.certificationFailure();
            }
        }
    }

    private io.keyward.store.SpendRepository spend() {
        return gateway.keyward().store().spend();
    }

    private void settleAll() throws InterruptedException {
        assertTrue(gateway.keyward().spend().flush(Duration.ofSeconds(15)), "every settle landed");
        gateway.flushAudit();
    }

    private String issue(String cap) throws Exception {
        return new AdminClient(gateway.baseUrl(), TestSecrets.ADMIN_TOKEN).issue("stripe", "galera-agent",
                "\"daily_usd_cap\":\"" + cap + "\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
    }

    private int pay(String key, int n) throws Exception {
        return HammerCalls.pay(http, gateway, key, n);
    }

    private static String keyId(String key) {
        return key.substring(3, 19);
    }

    private LedgerRow ledger(String key) {
        return gateway.keyward().store().spend().current("key", keyId(key)).orElseThrow();
    }

    private BigDecimal audited(String key) {
        List<CallRow> rows = gateway.keyward().store().calls().list(new CallQuery(null, keyId(key), null, null, "allowed", null, null, null, 1000));
        return rows.stream().map(CallRow::amountUsd).filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private BigDecimal decimal(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
