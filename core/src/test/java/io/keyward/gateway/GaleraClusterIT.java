package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keyward.store.LedgerRow;
import io.keyward.store.Migrator;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.GatewayProcess;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import io.keyward.testing.galera.CommitProbe;
import io.keyward.testing.galera.GaleraCluster;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Keyward on a real Galera cluster: three MariaDB Galera nodes on loopback, three Keyward nodes,
 * each on its own Galera node. The migrations run from all three at once with no SUPER; the cap
 * holds to the cent with 48 callers; a kill switch taken on one node stops every node at once; a
 * key issued on one node works on the others at once; a Galera node killed mid-run makes its
 * Keyward node fail closed while the others go on, and nothing is lost. Runs in the {@code galera}
 * profile (needs galera-4 and rsync); the tests share one cluster and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraClusterIT {
    private static final BigDecimal CALL = new BigDecimal("0.37");
    private static GaleraCluster cluster;
    private static FakeVendor vendor;
    private static final List<TestGateway> gateways = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        assertTrue(GaleraCluster.available(), "the galera profile needs mariadbd, galera-4 and rsync: apt-get install -y galera-4 rsync");
        vendor = new FakeVendor();
        cluster = GaleraCluster.start(Path.of("target", "galera-it").toAbsolutePath(), 3);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try (FakeVendor v = vendor; GaleraCluster c = cluster) {
            for (TestGateway gateway : gateways) {
                try {
                    gateway.close();
                } catch (Exception e) {
                    // the others still close, and the cluster after them
                }
            }
        }
    }

    @BeforeEach
    void vendorAnswersAPaymentIntent() {
        vendor.reset();
        vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"payment_intent\",\"amount\":37,\"currency\":\"usd\"}")));
    }

    @Test
    @Order(1)
    void withoutSuperTheMigrationsNameTheSettingTheyNeed() throws Exception {
        try (TestGateway unexpected = TestGateway.start(cluster.jdbcUrl(1), vendor.baseUrl(), HammerCalls.HIGH_LIMITS)) {
            fail("the migrations created triggers on Galera without SUPER and without log_bin_trust_function_creators");
        } catch (Exception e) {
            assertTrue(chain(e).contains("log_bin_trust_function_creators=1"), chain(e));
        }
        assertEquals("0", cluster.sql(1, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keyward' "
                + "AND table_name = 'keyward_schema_history'").strip(), "nothing applied halfway");
        cluster.sqlOnEach("SET GLOBAL log_bin_trust_function_creators = 1");
    }

    @Test
    @Order(2)
    void threeNodesStartingTogetherOnThreeGaleraNodesMigrateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestGateway>> starts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String url = cluster.jdbcUrl(i);
            starts.add(pool.submit(() -> {
                go.await();
                // As docs/database.md advises on Galera: wait for a connection longer than the cluster
                // takes to drop a dead member (evs.suspect_timeout), or calls fail while it stalls.
                return TestGateway.start(url, vendor.baseUrl(), "", HammerCalls.HIGH_LIMITS,
                        yaml -> yaml.replace("connect_timeout: 1s", "connect_timeout: 6s"));
            }));
        }
        go.countDown();
        List<String> failures = new ArrayList<>();
        for (Future<TestGateway> start : starts) {
            try {
                gateways.add(start.get(180, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(chain(e.getCause()));
            }
        }
        pool.shutdown();
        assertEquals(List.of(), failures, "every node started");
        for (int i = 1; i <= 3; i++) {
            // Causal read: the node has applied every write the cluster committed before it answers.
            String counts = cluster.sql(i, "SET SESSION wsrep_sync_wait = 1; SELECT (SELECT COUNT(*) FROM keyward.keyward_schema_history), "
                    + "(SELECT COUNT(DISTINCT version) FROM keyward.keyward_schema_history), "
                    + "(SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'keyward'), "
                    + "(SELECT COUNT(*) FROM keyward.keyward_schema_lock)").strip();
            int files = Migrator.migrationFiles().size();
            assertEquals(files + "\t" + files + "\t8\t0", counts, "galera node " + i + ": each migration once, V5's 8 triggers, lock released");
        }
    }

    @Test
    @Order(3)
    void aKeyIssuedOnOneNodeWorksOnTheOthersAtOnce() throws Exception {
        requireGateways();
        List<String> refused = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            int issuer = round % 3;
            String key = issue(issuer, "visible-" + round, "1000.00");
            for (int other = 1; other <= 2; other++) {
                int node = (issuer + other) % 3;
                var reply = ClusterLoad.pay(gateways.get(node).baseUrl(), key);
                if (reply.statusCode() != 200) {
                    refused.add("issued on K" + (issuer + 1) + ", paid on K" + (node + 1) + ": " + reply.statusCode() + " " + reply.body());
                }
            }
        }
        assertEquals(List.of(), refused, refused.size() + " of 60 first calls on another node were refused");
    }

    @Test
    @Order(4)
    void theCapIsExactWith48CallersOnThreeNodes() throws Exception {
        requireGateways();
        String key = issue(0, "cap", "10.00");
        Run run = underLoad("cap", key, 8, null, () -> { });
        List<ClusterLoad.Outcome> outcomes = run.outcomes();
        Map<Integer, Integer> statuses = statuses(outcomes);
        // 27 x $0.37 = $9.99 fits a $10.00 cap; a 28th would not.
        assertAll(
                () -> assertEquals(Map.of(), serverErrors(outcomes), "no 5xx from certification conflicts: " + statuses),
                () -> assertEquals(27, statuses.getOrDefault(200, 0), "admitted exactly what fits: " + statuses),
                () -> assertEquals(384 - 27, statuses.getOrDefault(429, 0), "every other call refused by the cap: " + statuses),
                () -> assertEquals(27, vendor.received().size(), "the vendor saw exactly the admitted calls"),
                () -> run.ledger().assertEqualsAudit(27));
    }

    @Test
    @Order(5)
    void aKillSwitchFlippedUnderLoadStopsEveryNodeAtOnce() throws Exception {
        requireGateways();
        String key = issue(0, "switch", "1000.00");
        Run run = underLoad("kill switch", key, 10, () -> {
            AdminClient.Reply off = admin(0).post("/revoke", "{\"vendor\":\"stripe\",\"reason\":\"galera under load\"}");
            assertEquals(200, off.status(), off.raw());
        }, () -> assertEquals(200, admin(0).post("/unfreeze", "{\"vendor\":\"stripe\",\"reason\":\"resolved\"}").status()));
        List<ClusterLoad.Outcome> outcomes = run.outcomes();
        long committed = run.actedAt();
        // Escrow leases are on (a $1,000.00 key: $50.00 chunks drawn $12.50 at a time). The node the
        // switch was taken on stops at once; the others at their next revoke poll, having admitted
        // at most what they had drawn: under one and a half draws, 50 calls of $0.37.
        Map<String, Integer> forwardedAfter = new TreeMap<>();
        Map<String, Integer> forwardedLate = new TreeMap<>();
        Map<String, Integer> otherAfter = new TreeMap<>();
        long poll = Duration.ofSeconds(1).toNanos();
        for (ClusterLoad.Outcome o : outcomes) {
            if (o.sentNanos() > committed && o.status() == 200) {
                forwardedAfter.merge("K" + (o.node() + 1), 1, Integer::sum);
                if (o.node() == 0 || o.sentNanos() > committed + poll) {
                    forwardedLate.merge("K" + (o.node() + 1), 1, Integer::sum);
                }
            } else if (o.sentNanos() > committed && o.status() != 401) {
                otherAfter.merge(o.summary(), 1, Integer::sum);
            }
        }
        long ok = outcomes.stream().filter(o -> o.status() == 200).count();
        System.out.println("GALERA-IT kill switch: forwarded after the switch committed, per node (leases): " + forwardedAfter);
        assertAll(
                () -> assertEquals(Map.of(), serverErrors(outcomes), "no 5xx: " + statuses(outcomes)),
                () -> assertEquals(Map.of(), forwardedLate, "none forwarded after the switch on the node it was taken on,"
                        + " nor on the others a revoke poll later (1 s allowed on this loaded machine)"),
                () -> assertTrue(forwardedAfter.entrySet().stream().allMatch(e -> e.getKey().equals("K1") || e.getValue() <= 50),
                        "at most what a node had drawn (under $18.75, 50 calls) went through meanwhile: " + forwardedAfter),
                () -> assertEquals(Map.of(), otherAfter, "a call after the switch is refused as revoked"),
                () -> assertEquals(ok, vendor.received().size(), "the vendor saw exactly the calls answered 200"),
                () -> run.ledger().assertEqualsAudit((int) ok));
    }

    @Test
    @Order(6)
    void aGaleraNodeKilledMidRunFailsClosedOnlyThereAndLosesNothing() throws Exception {
        requireGateways();
        String key = issue(0, "node-loss", "1000.00");
        CommitProbe.createTable(cluster);
        long[] killedAt = new long[1];
        Run run;
        try (CommitProbe probe1 = CommitProbe.start(cluster.jdbcUrl(1), 1); CommitProbe probe2 = CommitProbe.start(cluster.jdbcUrl(2), 2)) {
            run = underLoad("node killed", key, 12, () -> {
                killedAt[0] = System.nanoTime();
                cluster.kill(3);
            }, () -> cluster.restart(3));
            // What a call on a surviving node waits through: database.retry_deadline must outlast it (docs/database.md).
            for (CommitProbe probe : List.of(probe1, probe2)) {
                System.out.println("GALERA-IT node killed: a survivor's longest commit " + probe.longestMillis() + " ms, begun "
                        + TimeUnit.NANOSECONDS.toMillis(probe.longestStartedNanos() - killedAt[0]) + " ms after the kill");
            }
        }
        List<ClusterLoad.Outcome> outcomes = run.outcomes();
        long killed = run.actedAt();

        // K3's cached key and its escrow lease carry it until its revoke poll is seen to fail (a
        // second, with room): calls sent then may still be answered from money already reserved.
        // After that every call needs the database, and K3 fails closed.
        long pollFailed = killed + Duration.ofSeconds(1).toNanos();
        Map<String, Integer> survivorsRefused = new TreeMap<>();
        Map<String, Integer> onDeadNodeAfterKill = new TreeMap<>();
        for (ClusterLoad.Outcome o : outcomes) {
            if (o.node() < 2 && o.status() != 200) {
                survivorsRefused.merge(o.summary(), 1, Integer::sum);
            } else if (o.node() == 2 && o.sentNanos() > killed && (o.status() != 200 || o.sentNanos() > pollFailed)) {
                onDeadNodeAfterKill.merge(o.summary(), 1, Integer::sum);
            }
        }
        long ok = outcomes.stream().filter(o -> o.status() == 200).count();
        // The margin left under database.retry_deadline on the survivors, and how soon the dead node's Keyward fails closed.
        System.out.println("GALERA-IT node killed: slowest answer on K1/K2 " + slowestMillis(outcomes, o -> o.node() < 2)
                + " ms, slowest 503 on K3 " + slowestMillis(outcomes, o -> o.node() == 2 && o.status() == 503) + " ms");
        assertAll(
                () -> assertEquals(Map.of(), survivorsRefused, "no call refused on the nodes whose Galera node lives"),
                () -> assertEquals(List.of("K3 503 error_unavailable"), List.copyOf(onDeadNodeAfterKill.keySet()),
                        "the node whose Galera node died fails closed, and only with 503 (never a hung call): " + onDeadNodeAfterKill),
                () -> assertEquals(ok, vendor.received().size(), "the vendor saw exactly the calls answered 200"),
                () -> run.ledger().assertEqualsAudit((int) ok));
    }

    @Test
    @Order(7)
    void aKeywardNodeKilledMidRunLosesNoAuditRowAndItsLeaseComesBack() throws Exception {
        requireGateways();
        String key = issue(0, "keyward-node-killed", "1000.00");
        String keyId = key.substring(3, 19);
        Path spool = Path.of("target", "galera-it", "killed-node-spool").toAbsolutePath();
        Path extra = spool.resolveSibling("killed-node.yaml");
        Files.createDirectories(spool.getParent());
        Files.writeString(extra, HammerCalls.HIGH_LIMITS + "audit:\n  spool_dir: " + spool + "\n");
        GatewayProcess.Running doomed = GatewayProcess.launch(cluster.jdbcUrl(2), vendor.baseUrl(), extra, spool.resolveSibling("killed-node.log"));
        ClusterLoad load = ClusterLoad.startOn(List.of(gateways.get(0).baseUrl(), gateways.get(2).baseUrl(), doomed.baseUrl()), key, 48, 10);
        long killedAt;
        List<ClusterLoad.Outcome> outcomes;
        try {
            // Killed mid-run: once it has answered a good part of its calls from its lease.
            load.awaitAnswered(2, 40);
        } finally {
            doomed.close();
            killedAt = System.nanoTime();
        }
        outcomes = load.finish();
        Map<String, Integer> survivorsRefused = new TreeMap<>();
        outcomes.stream().filter(o -> o.node() < 2 && o.status() != 200).forEach(o -> survivorsRefused.merge(o.summary(), 1, Integer::sum));
        long killedAnswered = outcomes.stream().filter(o -> o.node() == 2 && o.status() == 200).count();
        System.out.println("GALERA-IT keyward node killed: statuses " + statuses(outcomes) + ", answered by the killed node " + killedAnswered);
        assertEquals(Map.of(), survivorsRefused, "the other Keyward nodes answer every call");
        assertTrue(killedAnswered > 0, "the node to be killed answered calls from its lease first");
        assertTrue(outcomes.stream().noneMatch(o -> o.node() == 2 && o.sentNanos() > killedAt && o.status() != -1),
                "nothing answers on the killed node");

        // The live nodes give their leases back; what is still held is the dead node's, until it expires.
        for (TestGateway gateway : List.of(gateways.get(0), gateways.get(2))) {
            gateway.keyward().spend().dropLeases();
        }
        String held = "SELECT COUNT(*) FROM keyward.spend_reservations WHERE key_id = '" + keyId + "' AND lease_expires_at IS NOT NULL AND state = 'held'";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cluster.sql(1, "SET SESSION wsrep_sync_wait = 1; " + held).strip().equals("0")) {
            assertTrue(System.nanoTime() < deadline, "the dead node's lease was given back within 30 s of its expiry (5 s)");
            Thread.sleep(100);
        }

        try (TestGateway restarted = TestGateway.start(cluster.jdbcUrl(2), vendor.baseUrl(), Files.readString(extra))) {
            restarted.flushAudit();
            restarted.keyward().spend().flush(Duration.ofSeconds(20));
            Ledger ledger = Ledger.settled(key);
            String audited = cluster.sql(1, "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*), COALESCE(SUM(COALESCE(amount_usd, estimated_usd)), 0),"
                    + " SUM(reason LIKE 'the node stopped while the call was at the vendor%')"
                    + " FROM keyward.calls WHERE key_id = '" + keyId + "' AND policy_check_result = 'allowed'").strip();
            String[] counted = audited.split("\t");
            int rows = Integer.parseInt(counted[0]);
            int unanswered = Integer.parseInt(counted[2]);
            int atTheVendor = vendor.received().size();
            BigDecimal unused = ledger.spent().add(ledger.reserved()).subtract(new BigDecimal(counted[1]));
            System.out.println("GALERA-IT keyward node killed: " + ledger + ", audit rows " + rows + " for $" + counted[1] + " (" + unanswered
                    + " written ahead and never answered), at the vendor " + atTheVendor + ", left reserved by the dead node beyond its audited calls $" + unused);
            // A call's row is written ahead before it is sent: a node killed between the two leaves a
            // row for a call the vendor may never have seen, marked unanswered, its money kept.
            // What the dead node held beyond its audited calls: what it had drawn and not yet given to
            // a call (under one and a half draws of $12.50), and calls reserved but not yet written
            // ahead, one per caller at most (16 x $0.37).
            BigDecimal bound = new BigDecimal("18.75").add(new BigDecimal("0.37").multiply(BigDecimal.valueOf(16)));
            assertAll(
                    () -> assertTrue(rows >= atTheVendor, "every call that reached the vendor has its audit row: " + rows + " < " + atTheVendor),
                    () -> assertTrue(rows - atTheVendor <= unanswered, "a row beyond those is a call written ahead and never answered"),
                    () -> assertTrue(unused.signum() >= 0, "every call the vendor may have acted on is counted in the ledger: " + unused),
                    () -> assertTrue(unused.compareTo(bound) < 0, "what stays reserved beyond those calls is under $" + bound + ": " + unused));
        }
    }

    /** What may run mid-load or after it. */
    private interface Step {
        void run() throws Exception;
    }

    /** One load run: each call, the conflicts Galera counted meanwhile, the key's ledger after it, and when the mid-run step ended. */
    private record Run(List<ClusterLoad.Outcome> outcomes, long conflicts, Ledger ledger, long actedAt) {
    }

    /**
     * 48 callers on three nodes, {@code callsEach} calls each; once 150 are sent, {@code midRun}
     * (none when null); {@code afterLoad} always, also when the run failed, so that the next test
     * finds the cluster whole. Prints what it measured.
     */
    private static Run underLoad(String name, String key, int callsEach, Step midRun, Step afterLoad) throws Exception {
        long conflictsBefore = conflicts();
        ClusterLoad load = ClusterLoad.start(gateways, key, 48, callsEach);
        long actedAt = Long.MAX_VALUE;
        List<ClusterLoad.Outcome> outcomes;
        try {
            if (midRun != null) {
                load.awaitSent(150);
                midRun.run();
                actedAt = System.nanoTime();
            }
            outcomes = load.finish();
        } finally {
            afterLoad.run();
        }
        Run run = new Run(outcomes, conflicts() - conflictsBefore, Ledger.settled(key), actedAt);
        System.out.println("GALERA-IT " + name + ": statuses " + statuses(outcomes) + ", 5xx " + serverErrors(outcomes)
                + ", galera conflicts (cert failures + bf aborts) "
                + (run.conflicts() < 0 ? "not counted (a Galera node restarted, its counters with it)" : run.conflicts()) + ", " + run.ledger());
        return run;
    }

    /** Certification failures and brute-force aborts, summed over the running Galera nodes: the conflicts Galera saw. */
    private static long conflicts() {
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            for (String variable : List.of("wsrep_local_cert_failures", "wsrep_local_bf_aborts")) {
                String value = cluster.status(i, variable);
                sum += value == null ? 0 : Long.parseLong(value.strip());
            }
        }
        return sum;
    }

    /** A key's ledger row after every node flushed its settles and audit rows, beside its allowed audit rows. */
    private record Ledger(BigDecimal spent, BigDecimal reserved, int auditRows, BigDecimal audited) {
        static Ledger settled(String key) throws Exception {
            for (TestGateway gateway : gateways) {
                // A node whose Galera node was killed settles once it is back: allowed its backoff.
                assertTrue(gateway.keyward().spend().flush(Duration.ofSeconds(60)),
                        "the node's settles landed; still owed: " + gateway.keyward().spend().pendingSettles());
                // As a revoke poll would: what the escrow leases hold goes back, so reserved means calls.
                gateway.keyward().spend().dropLeases();
                assertTrue(gateway.keyward().spend().flush(Duration.ofSeconds(60)),
                        "the node's lease give-backs landed; still owed: " + gateway.keyward().spend().pendingSettles());
                gateway.flushAudit();
            }
            String keyId = key.substring(3, 19);
            LedgerRow row = gateways.get(0).keyward().store().spend().current("key", keyId).orElseThrow();
            try (Connection c = gateways.get(0).keyward().store().dataSource().getConnection();
                 PreparedStatement st = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(amount_usd), 0) FROM calls "
                         + "WHERE key_id = ? AND policy_check_result = 'allowed'")) {
                st.setString(1, keyId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new Ledger(row.spentUsd(), row.reservedUsd(), rs.getInt(1), rs.getBigDecimal(2));
                }
            }
        }

        /** Every settle and audit row landed: spent = the allowed calls' audit rows = $0.37 each, nothing left reserved. */
        void assertEqualsAudit(int allowed) {
            BigDecimal expected = CALL.multiply(BigDecimal.valueOf(allowed));
            assertAll(
                    () -> assertEquals(0, reserved.signum(), "nothing left reserved: " + this),
                    () -> assertEquals(0, spent.compareTo(expected), "ledger spent = $0.37 x " + allowed + " answered 200: " + this),
                    () -> assertEquals(allowed, auditRows, "one allowed audit row per call answered 200: " + this),
                    () -> assertEquals(0, audited.compareTo(spent), "ledger spent = the sum of the allowed audit rows: " + this));
        }
    }

    private static String issue(int node, String agent, String cap) throws Exception {
        return admin(node).issue("stripe", agent, "\"daily_usd_cap\":\"" + cap + "\","
                + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
    }

    private static AdminClient admin(int node) {
        return new AdminClient(gateways.get(node).baseUrl(), TestSecrets.ADMIN_TOKEN);
    }

    private static Map<Integer, Integer> statuses(List<ClusterLoad.Outcome> outcomes) {
        Map<Integer, Integer> counts = new TreeMap<>();
        outcomes.forEach(o -> counts.merge(o.status(), 1, Integer::sum));
        return counts;
    }

    private static long slowestMillis(List<ClusterLoad.Outcome> outcomes, java.util.function.Predicate<ClusterLoad.Outcome> which) {
        return TimeUnit.NANOSECONDS.toMillis(outcomes.stream().filter(which).mapToLong(ClusterLoad.Outcome::tookNanos).max().orElse(0));
    }

        private static Map<String, Integer> serverErrors(List<ClusterLoad.Outcome> outcomes) {
        Map<String, Integer> counts = new TreeMap<>();
        outcomes.stream().filter(ClusterLoad.Outcome::serverError).forEach(o -> counts.merge(o.summary(), 1, Integer::sum));
        return counts;
    }

    private static void requireGateways() {
        assertEquals(3, gateways.size(), "the three Keyward nodes started (test 2)");
        assertNotNull(cluster);
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append(" <- ");
        }
        return text.toString();
    }
}
