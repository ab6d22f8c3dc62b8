package io.keyward.store;

import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * After the database drops every connection (a failover, a restart, a network cut), the pool still
 * holds the dead ones, and each would fail one call before the pool notices it. On the first sign of
 * a lost connection this evicts all idle connections at once, and a read, which is safe to repeat,
 * is tried once more on a fresh one.
 */
final class ConnectionLoss {
    private final Runnable evictIdle;

    ConnectionLoss(Runnable evictIdle) {
        this.evictIdle = evictIdle;
    }

    /** The connection in use died: the idle ones very likely did too. */
    void evictIdle() {
        evictIdle.run();
    }

    <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (RuntimeException e) {
            if (!lostConnection(e)) {
                throw e;
            }
            evictIdle.run();
            return query.get();
        }
    }

    /**
     * SQLSTATE class 08 on a connection the pool handed out: it died, not the statement. A pool that
     * could not hand one out at all (its timeout) is not retried: the database is away, and waiting
     * twice would only hold the caller longer.
     */
    static boolean lostConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return false;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
