package io.keyward.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** The spend ledger: reserve (one round trip), settle or release, and reads for headers and the admin API. */
public final class SpendRepository {
    private final SqlSessionFactory sessions;

    SpendRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * Reserves in one round trip on the hot path. The first reservation of a budget's day creates
     * its rows first (their own transaction); a deadlock, which the procedure rolled back whole, is
     * tried again.
     */
    public ReserveOutcome reserve(ReserveCall call) {
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(true)) {
                SpendMapper mapper = s.getMapper(SpendMapper.class);
                ReserveOutcome outcome = mapper.reserve(call);
                if (!outcome.outcome().equals("no_ledger_row")) {
                    return outcome;
                }
                mapper.ensureRows(call);
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("ledger rows missing after creating them");
                }
            } catch (org.apache.ibatis.exceptions.PersistenceException e) {
                if (attempt >= MAX_ATTEMPTS || !(e.getCause() instanceof java.sql.SQLTransactionRollbackException)) {
                    throw e;
                }
            }
        }
    }

    private static final int MAX_ATTEMPTS = 3;

    public void settle(SettleCall call) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(SpendMapper.class).settle(call);
        }
    }

    /**
     * Gives a reservation back and forgets the Idempotency-Key it was made under, in one
     * transaction: a retry with that key then reserves again.
     */
    public void release(SettleCall call, String idempotencyKey) {
        try (SqlSession s = sessions.openSession(false)) {
            SpendMapper mapper = s.getMapper(SpendMapper.class);
            mapper.settle(call);
            mapper.forgetIdempotencyKey(call.keyId(), idempotencyKey);
            s.commit();
        }
    }

    /** Records that the vendor answered the first call made with this Idempotency-Key. */
    public void markAnswered(String keyId, String idempotencyKey) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(SpendMapper.class).markIdempotencyAnswered(keyId, idempotencyKey);
        }
    }

    /** Whether the first call made with this Idempotency-Key (in its current use) was answered. */
    public boolean answered(String keyId, String idempotencyKey) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).idempotencyAnswered(keyId, idempotencyKey);
        }
    }

    /** A key's (or agent's) row for today, or a run's row. */
    public Optional<LedgerRow> current(String scope, String scopeId) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(SpendMapper.class).row(scope, scopeId, !scope.equals("run")));
        }
    }

    public Optional<LedgerRow> on(String scope, String scopeId, LocalDate day) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(SpendMapper.class).rowOn(scope, scopeId, day));
        }
    }

    public List<LedgerRow> keyRows(String agentName, String agentRunId, LocalDate day) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).keyRows(agentName, agentRunId, day);
        }
    }

    public LocalDate today() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).today();
        }
    }
}
