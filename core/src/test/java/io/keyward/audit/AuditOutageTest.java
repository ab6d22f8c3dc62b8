package io.keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.AdminClient;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TcpRelay;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away in the middle of sustained traffic (a TCP relay between Keyward and
 * MariaDB cuts every connection), and, separately, a gateway stops while it cannot write: every
 * call still ends up as exactly one audit row, in order, once the database is back.
 */
class AuditOutageTest {
    private static TestGateway gateway(String jdbcUrl, FakeVendor vendor, Path spool) throws Exception {
        return TestGateway.start(jdbcUrl, vendor.baseUrl(), "audit:\n  spool_dir: " + spool + "\n"
                + "guards:\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n");
    }

    /** One read; returns its request id, with what the agent got: {@code allowed} or {@code error_unavailable}. */
    private static String[] call(TestGateway node, String key, int i) throws Exception {
        RawHttp.Response r = RawHttp.send(node.port(), ("GET /stripe/v1/customers/cus_" + i + " HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        if (r.status() == 200) {
            assertEquals("{}", r.bodyText(), "the vendor's answer");
            return new String[] {r.header("X-Keyward-Request-Id"), "allowed"};
        }
        ErrorShape.assertKeywardError(r, 503, "error_unavailable");
        return new String[] {r.header("X-Keyward-Request-Id"), "error_unavailable"};
    }

    @Test
    void everyCallIsOneRowAfterAnOutageInTheMiddleOfTraffic(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor(); TcpRelay relay = TcpRelay.inFrontOf(db);
             TestGateway node = gateway(relay.relayed(db), vendor, spool)) {
            vendor.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withBody("{}")));
            String key = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN).issue("stripe", "outage", null).get("key").asText();
            List<String[]> ids = new ArrayList<>();
            int i = 0;
            while (i < 50) {
                ids.add(call(node, key, i++));
            }
            relay.cut();
            // Cached keys serve reads until the revoke poll has failed for 2 x 100 ms + 250 ms; past
            // that every call needs the database, and is refused. Traffic goes on meanwhile.
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                ids.add(call(node, key, i++));
                Thread.sleep(20);
            } while (ids.get(ids.size() - 1)[1].equals("allowed") && System.nanoTime() < deadline);
            for (int refused = 0; refused < 10; refused++) {
                ids.add(call(node, key, i++));
            }
            relay.restore();
            for (int after = 0; after < 60; after++) {
                ids.add(call(node, key, i++));
            }
            assertTrue(node.keyward().audit().flush(Duration.ofSeconds(60)), "the spool drains once the database is back");
            assertTrue(Files.notExists(spool.resolve("calls.spool")), "and is emptied");
            assertEveryCallOnceInOrder(db, ids);
        }
    }

    @Test
    void rowsSpooledWhenAGatewayStoppedAreReplayedOnceByTheNextStart(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        List<String[]> ids = new ArrayList<>();
        try (FakeVendor vendor = new FakeVendor(); TcpRelay relay = TcpRelay.inFrontOf(db)) {
            String key;
            try (TestGateway first = gateway(relay.relayed(db), vendor, spool)) {
                key = new AdminClient(first.baseUrl(), TestSecrets.ADMIN_TOKEN).issue("stripe", "crash", null).get("key").asText();
                relay.cut();
                for (int i = 0; i < 12; i++) {
                    ids.add(call(first, key, i));
                }
            }
            assertTrue(Files.size(spool.resolve("calls.spool")) > 0, "the stopped gateway left its rows in the spool");

            // A crash after a replayed batch was inserted but before its progress was recorded: the
            // next start replays those rows again, and must not duplicate them.
            AuditSpool.Chunk firstRows = new AuditSpool(spool).next(4);
            try (io.keyward.store.Store store = io.keyward.store.Store.open(new org.mariadb.jdbc.MariaDbDataSource(db), false)) {
                store.calls().insertBatch(firstRows.rows());
            }
            try (TestGateway second = gateway(db, vendor, spool)) {
                assertTrue(second.keyward().audit().flush(Duration.ofSeconds(30)));
            }
        }
        assertEveryCallOnceInOrder(db, ids);
    }

    /** @param ids each call's request id and the result the agent was given, which its one row must record */
    private static void assertEveryCallOnceInOrder(String db, List<String[]> ids) throws Exception {
        try (Connection c = DriverManager.getConnection(db)) {
            for (String[] id : ids) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MAX(policy_check_result), MAX(upstream_status)"
                        + " FROM calls WHERE request_id = '" + id[0] + "'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "request " + id[0] + " has exactly one row");
                    assertEquals(id[1], rs.getString(2), "the row records what the agent got");
                    assertEquals(id[1].equals("allowed") ? Integer.valueOf(200) : null, rs.getObject(3) == null ? null : rs.getInt(3));
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT ts, policy_check_result FROM calls ORDER BY id")) {
                Instant last = Instant.MIN;
                int refused = 0;
                int rows = 0;
                while (rs.next()) {
                    Instant ts = rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                    assertTrue(!ts.isBefore(last), "rows are in the order the calls came");
                    last = ts;
                    refused += "error_unavailable".equals(rs.getString(2)) ? 1 : 0;
                    rows++;
                }
                assertEquals(ids.size(), rows, "as many rows as calls");
                assertTrue(refused > 0, "calls during the outage were refused, and audited");
            }
        }
    }
}
