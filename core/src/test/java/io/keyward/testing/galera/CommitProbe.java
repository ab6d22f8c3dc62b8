package io.keyward.testing.galera;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Commits a one-row update on one Galera node every 20 ms, on a connection of its own, and keeps
 * the longest commit and when it began: how long that node's commits stall while the cluster drops
 * a dead member. Its own row per node, so it never conflicts and only the cluster can hold it up.
 */
public final class CommitProbe implements AutoCloseable {
    private static final String TABLE = "keyward.it_commit_probe";
    private final Thread thread;
    private final int id;
    private volatile boolean running = true;
    private volatile long longestNanos;
    private volatile long longestStartedNanos;
    private volatile long commits;
    private volatile Exception failure;

    private CommitProbe(String jdbcUrl, int id) throws SQLException {
        this.id = id;
        Connection connection = DriverManager.getConnection(jdbcUrl);
        try (PreparedStatement st = connection.prepareStatement("INSERT IGNORE INTO " + TABLE + " (id, n) VALUES (?, 0)")) {
            st.setInt(1, id);
            st.executeUpdate();
        }
        thread = new Thread(() -> run(connection), "galera-commit-probe-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /** Creates the probe table (DDL replicates to every node); once, before any probe starts. */
    public static void createTable(GaleraCluster cluster) throws Exception {
        cluster.sql(1, "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB");
    }

    /** Starts probing the node behind {@code jdbcUrl}; {@code id} is its row. */
    public static CommitProbe start(String jdbcUrl, int id) throws SQLException {
        return new CommitProbe(jdbcUrl, id);
    }

    private void run(Connection connection) {
        try (connection; PreparedStatement st = connection.prepareStatement("UPDATE " + TABLE + " SET n = n + 1 WHERE id = ?")) {
            st.setInt(1, id);
            while (running) {
                long began = System.nanoTime();
                st.executeUpdate();
                long took = System.nanoTime() - began;
                commits++;
                if (took > longestNanos) {
                    longestNanos = took;
                    longestStartedNanos = began;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** The longest commit so far, in milliseconds. */
    public long longestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestNanos);
    }

    /** When the longest commit began (System.nanoTime). */
    public long longestStartedNanos() {
        return longestStartedNanos;
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (failure != null) {
            throw new IllegalStateException("the commit probe on row " + id + " failed after " + commits + " commits", failure);
        }
    }
}
