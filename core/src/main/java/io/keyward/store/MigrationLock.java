package io.keyward.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * The lock that lets one Keyward node at a time migrate, across a whole Galera cluster: a row in
 * {@code keyward_schema_lock}. {@code GET_LOCK} is held by one server only, so two nodes starting
 * together on two Galera nodes would both get it. An INSERT of the one row is a write that Galera
 * certifies: of two nodes inserting it at once, one commits and the other fails (1213, or 1062 once
 * the winner's row has arrived), on one server as on a cluster. The row carries an expiry, so a
 * node that died holding it does not block the others forever; the holder renews it between files.
 * <p>
 * Whoever takes the row has applied every write the previous holder made before releasing it
 * (Galera applies writesets in their total order, and the release came after them), so the
 * schema history it reads next is current.
 */
final class MigrationLock implements AutoCloseable {
    private static final int DUPLICATE_KEY = 1062;
    private static final int DEADLOCK_OR_CERTIFICATION_FAILURE = 1213;
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    private final Connection connection;
    private final String holder;
    private final Duration lease;

    private MigrationLock(Connection connection, String holder, Duration lease) {
        this.connection = connection;
        this.holder = holder;
        this.lease = lease;
    }

    /** Takes the lock on this auto-commit connection, waiting up to {@code wait} for a holder to finish. */
    static MigrationLock take(Connection connection, Duration wait, Duration lease) throws SQLException {
        try (Statement st = connection.createStatement()) {
            // DDL: on Galera it runs in total order on every node, so two nodes creating it at once is
            // fine. Only when missing: a runtime account with no CREATE right finds it made already.
            if (!exists(st)) {
                st.execute("CREATE TABLE IF NOT EXISTS keyward_schema_lock ("
                        + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                        + " holder VARCHAR(64) NOT NULL,"
                        + " expires_at DATETIME(6) NOT NULL"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            }
        }
        MigrationLock lock = new MigrationLock(connection, UUID.randomUUID().toString(), lease);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!lock.tryTake()) {
            if (System.nanoTime() > deadline) {
                throw new SQLException("could not take the migration lock (keyward_schema_lock) within " + wait.toSeconds()
                        + " s: another node is migrating, or delete its row if it is gone");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the migration lock", e);
            }
        }
        return lock;
    }

    private static boolean exists(Statement st) throws SQLException {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = DATABASE() AND table_name = 'keyward_schema_lock'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    private boolean tryTake() throws SQLException {
        try {
            // A holder past its expiry is gone (or stuck far beyond any migration's length).
            try (PreparedStatement expired = connection.prepareStatement(
                    "DELETE FROM keyward_schema_lock WHERE id = 1 AND expires_at < UTC_TIMESTAMP(6)")) {
                expired.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO keyward_schema_lock (id, holder, expires_at) "
                    + "VALUES (1, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)")) {
                insert.setString(1, holder);
                insert.setLong(2, lease.toSeconds());
                insert.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY || e.getErrorCode() == DEADLOCK_OR_CERTIFICATION_FAILURE
                    || e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** Extends the lease before a further migration; fails if the row was taken from this holder. */
    void renew() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("UPDATE keyward_schema_lock SET expires_at = "
                + "UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE id = 1 AND holder = ?")) {
            st.setLong(1, lease.toSeconds());
            st.setString(2, holder);
            if (st.executeUpdate() != 1) {
                throw new SQLException("the migration lock expired while migrating (lease " + lease.toSeconds() + " s)");
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM keyward_schema_lock WHERE id = 1 AND holder = ?")) {
            st.setString(1, holder);
            st.executeUpdate();
        }
    }
}
