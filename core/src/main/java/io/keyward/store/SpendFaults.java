package io.keyward.store;

import java.sql.SQLException;

/**
 * Test-only: failures injected around the reservation and settle statements, to show what a
 * Galera certification conflict does without a cluster. {@link #NONE} in production.
 */
public interface SpendFaults {
    SpendFaults NONE = new SpendFaults() { };

    /** Before {@code keyward_reserve_once} runs: a conflict that rolled the attempt back. */
    default void beforeReserve(String reservationId, int attempt) throws SQLException {
    }

    /** After it committed: a conflict reported for a reservation that took effect (a phantom commit, a lost answer). */
    default void afterReserve(String reservationId, int attempt) throws SQLException {
    }

    /** Before a batch of settles and releases is committed (it is rolled back). */
    default void beforeEndCommit(int attempt) throws SQLException {
    }

    /** After a batch of settles and releases committed: a failure reported for a batch that took effect. */
    default void afterEndCommit(int attempt) throws SQLException {
    }

    /** A 1213 as Galera reports a certification failure. */
    static SQLException certificationFailure() {
        return new java.sql.SQLTransactionRollbackException("Deadlock found when trying to get lock; try restarting transaction (injected)",
                "40001", Conflicts.DEADLOCK);
    }
}
