package io.keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbPoolDataSource;

class MigratorTest {

    @Test
    void everyMigrationInSqlIsListedInOrder() throws Exception {
        List<String> onDisk;
        try (Stream<Path> files = Files.list(Path.of("../sql"))) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9]+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
        assertEquals(onDisk, Migrator.migrationFiles(), "sql/migrations.txt must list every V*.sql file in version order");
    }

    @Test
    void migratingTwiceAppliesOnceAndRecordsTheVersion() throws Exception {
        try (MariaDbPoolDataSource ds = TestDatabase.freshPool()) {
            Migrator.migrate(ds);
            Migrator.migrate(ds);
            try (Connection c = ds.getConnection()) {
                assertEquals(Migrator.migrationFiles().size(), count(c, "SELECT COUNT(*) FROM keyward_schema_history"));
                assertEquals(1, count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'vault_keys'"));
                assertEquals(1, count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'calls'"));
            }
        }
    }

    @Test
    void aMigrationAppliedByHandIsNotAppliedAgain() throws Exception {
        try (MariaDbPoolDataSource ds = TestDatabase.freshPool()) {
            // What a DBA piping the file into the mariadb client does: every statement, in order.
            String script = Files.readString(Path.of("../sql", Migrator.migrationFiles().get(0)));
            try (Connection c = ds.getConnection()) {
                for (String sql : Migrator.statements(script)) {
                    c.createStatement().execute(sql);
                }
                c.createStatement().execute("INSERT INTO vault_keys (id, secret_hash, agent_name, vendor, expires_at, created_at) "
                        + "VALUES ('k1', REPEAT('x', 32), 'a', 'stripe', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
            }
            Migrator.migrate(ds);
            try (Connection c = ds.getConnection()) {
                assertEquals(1, count(c, "SELECT COUNT(*) FROM vault_keys"), "data survives: nothing was re-created");
            }
        }
    }

    @Test
    void nodesMigratingAtOnceApplyEachFileOnceAndReleaseTheLock() throws Exception {
        try (MariaDbPoolDataSource ds = TestDatabase.freshPool()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<Object>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> {
                    Migrator.migrate(ds);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<Object> run : runs) {
                run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            try (Connection c = ds.getConnection()) {
                assertEquals(Migrator.migrationFiles().size(), count(c, "SELECT COUNT(*) FROM keyward_schema_history"));
                assertEquals(0, count(c, "SELECT COUNT(*) FROM keyward_schema_lock"), "the lock row is gone once done");
            }
        }
    }

    @Test
    void aLockLeftByADeadNodeIsTakenOverOnceExpired() throws Exception {
        try (MariaDbPoolDataSource ds = TestDatabase.freshPool()) {
            Migrator.migrate(ds);
            try (Connection c = ds.getConnection()) {
                c.createStatement().execute("INSERT INTO keyward_schema_lock (id, holder, expires_at) "
                        + "VALUES (1, 'a node that died', UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)");
            }
            Migrator.migrate(ds);
            try (Connection c = ds.getConnection()) {
                assertEquals(0, count(c, "SELECT COUNT(*) FROM keyward_schema_lock"));
            }
        }
    }

    @Test
    void statementsSplitAtLineEndSemicolonsAndDropComments() {
        List<String> statements = Migrator.statements("-- header\nCREATE TABLE a (x INT);\n\n-- note\nINSERT INTO a VALUES (1);\n");
        assertEquals(List.of("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)"), statements);
        assertTrue(Migrator.statements("  \n-- only comments\n").isEmpty());
        List<String> procedure = Migrator.statements("DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND$$\nDELIMITER ;\nSELECT 3;\n");
        assertEquals(List.of("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", "SELECT 3"), procedure);
    }

    private static long count(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int version(String file) {
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }
}
