package io.keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.config.AuditConfig;
import io.keyward.store.CallRow;
import io.keyward.store.Store;
import io.keyward.testing.TcpRelay;
import io.keyward.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer on its own: spool limits fail closed, and spooled rows keep every field. */
class AuditWriterTest {

    private static CallRow row(int i) {
        return new CallRow(null, Instant.now(), "kwr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 22), "k" + i,
                "agent", "run-1", "stripe", "POST", "payment_intents.create", "/v1/payment_intents", "/v1/payment_intents",
                "allowed", "allow[0]", null, new BigDecimal("1.250000"), new BigDecimal("1.000000"), 200, "req_" + i, "idem-" + i,
                1234L, 567L, "node-a", "{\"agent_name\":\"agent\"}", null);
    }

    /** A pool through the relay that gives up on a connection quickly, so an outage shows at once. */
    private static com.zaxxer.hikari.HikariDataSource quickFailingPool(String jdbcUrl) {
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setConnectionTimeout(300);
        return new com.zaxxer.hikari.HikariDataSource(pool);
    }

    @Test
    void overTheSpoolLimitCallsAreRefusedUntilTheSpoolDrains(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (TcpRelay relay = TcpRelay.inFrontOf(db); com.zaxxer.hikari.HikariDataSource ds = quickFailingPool(relay.relayed(db))) {
            try (Store store = Store.open(ds, true)) {
                AuditWriter writer = new AuditWriter(store.calls(), new AuditConfig(spool, 2048, true, 10, 100));
                assertTrue(writer.accepting());
                relay.cut();
                for (int i = 0; i < 30; i++) {
                    writer.write(row(i));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (writer.accepting() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertFalse(writer.accepting(), "30 rows outgrow a 2 KiB spool: fail closed");
                relay.restore();
                assertTrue(writer.flush(Duration.ofSeconds(30)), "the spool replays once the database is back");
                assertTrue(writer.accepting());
                writer.close();

                try (Connection c = ds.getConnection();
                     ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(estimated_usd), MIN(metadata), MIN(idempotency_key) FROM calls")) {
                    rs.next();
                    assertEquals(30, rs.getInt(1));
                    assertEquals(0, new BigDecimal("37.5").compareTo(rs.getBigDecimal(2)), "every field survives the spool");
                    assertEquals("{\"agent_name\":\"agent\"}", rs.getString(3));
                    assertTrue(rs.getString(4).startsWith("idem-"));
                }
            }
        }
    }

    @Test
    void aTornLastLineFromAnInterruptedAppendIsSkippedAndTheRestReplays(@TempDir Path spool) throws Exception {
        AuditSpool file = new AuditSpool(spool);
        file.append(java.util.List.of(row(1), row(2)));
        java.nio.file.Files.writeString(spool.resolve("calls.spool"), "{\"ts\":\"2026-11-2", java.nio.file.StandardOpenOption.APPEND);
        try (Store store = Store.open(TestDatabase.freshPool(), true)) {
            AuditWriter writer = new AuditWriter(store.calls(), new AuditConfig(spool, 1 << 20, true, 10, 100));
            assertTrue(writer.flush(Duration.ofSeconds(10)), "the spool empties past the torn line");
            writer.close();
            try (Connection c = store.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM calls")) {
                rs.next();
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    @Test
    void aWriterConfiguredToFailOpenKeepsAcceptingOverTheLimit(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (TcpRelay relay = TcpRelay.inFrontOf(db); com.zaxxer.hikari.HikariDataSource ds = quickFailingPool(relay.relayed(db))) {
            try (Store store = Store.open(ds, true)) {
                AuditWriter writer = new AuditWriter(store.calls(), new AuditConfig(spool, 2048, false, 10, 100));
                relay.cut();
                for (int i = 0; i < 30; i++) {
                    writer.write(row(i));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (new AuditSpool(spool).pendingBytes() <= 2048 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(new AuditSpool(spool).pendingBytes() > 2048, "the spool is over its limit");
                assertTrue(writer.accepting(), "fail_closed: false keeps serving");
                relay.restore();
                assertTrue(writer.flush(Duration.ofSeconds(30)));
                writer.close();
            }
        }
    }
}
