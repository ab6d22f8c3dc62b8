package io.keyward.store;

import java.sql.SQLException;

/**
 * Which database failures a retry can cure. On Galera a certification conflict surfaces as 1213
 * (deadlock, SQLSTATE 40001) at any statement or at COMMIT, and a node that is not yet synced
 * answers 1047; on one server the same 1213 is a deadlock and 1205 a lock wait that timed out.
 * The transaction was rolled back — or, on Galera, possibly committed after all — so a retry is
 * only safe for work that is idempotent by an id of its own: a reservation with its id, a settle.
 */
final class Conflicts {
    static final int DEADLOCK = 1213;
    static final int LOCK_WAIT_TIMEOUT = 1205;
    static final int WSREP_NOT_READY = 1047;
    static final int DUPLICATE_KEY = 1062;

    private Conflicts() {
    }

    /** A conflict another attempt can get past: 1213, 1205, 1047, or SQLSTATE 40001. */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransactionRollbackException) {
                return true;
            }
            if (t instanceof SQLException sql && (sql.getErrorCode() == DEADLOCK || sql.getErrorCode() == LOCK_WAIT_TIMEOUT
                    || sql.getErrorCode() == WSREP_NOT_READY || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A duplicate reservation id: an earlier attempt of the same reservation committed between this
     * attempt's look-up and its insert (on Galera: was applied here late). The next attempt finds it.
     */
    static boolean duplicateId(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }
}
