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

    public ReserveOutcome reserve(ReserveCall call) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).reserve(call);
        }
    }

    public void settle(SettleCall call) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(SpendMapper.class).settle(call);
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
