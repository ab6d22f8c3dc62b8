package io.keyward.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Writes and reads the {@code calls} audit log. */
public final class CallRepository {
    private final SqlSessionFactory sessions;

    CallRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * Inserts the rows in one JDBC batch and one transaction; rows whose request id is already
     * stored are skipped. Bound by hand on one prepared statement, on the connection MyBatis manages:
     * this runs for every call, and MyBatis' parameter mapping reflects over all 23 columns of every
     * row (a fifth of the read path's samples in a profile went to the audit insert).
     */
    public void insertBatch(List<CallRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (SqlSession s = sessions.openSession(false)) {
            try (PreparedStatement st = s.getConnection().prepareStatement(INSERT)) {
                for (CallRow row : rows) {
                    bind(st, row);
                    st.addBatch();
                }
                st.executeBatch();
            }
            // Forced: MyBatis commits only what went through its own statements.
            s.commit(true);
        } catch (SQLException e) {
            throw new PersistenceException("audit rows not written", e);
        }
    }

    private static final String INSERT = "INSERT IGNORE INTO calls (ts, request_id, key_id, agent_name, agent_run_id, vendor, method,"
            + " operation, path_template, path, policy_check_result, rule, reason, estimated_usd, amount_usd, upstream_status,"
            + " upstream_request_id, idempotency_key, latency_us, upstream_latency_us, node_id, metadata, shadow_result)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void bind(PreparedStatement st, CallRow row) throws SQLException {
        // DATETIME(6) holds UTC: bound as a LocalDateTime, never through Timestamp and the JVM's zone (UtcInstantTypeHandler).
        st.setObject(1, LocalDateTime.ofInstant(row.ts(), ZoneOffset.UTC));
        st.setString(2, row.requestId());
        st.setString(3, row.keyId());
        st.setString(4, row.agentName());
        st.setString(5, row.agentRunId());
        st.setString(6, row.vendor());
        st.setString(7, row.method());
        st.setString(8, row.operation());
        st.setString(9, row.pathTemplate());
        st.setString(10, row.path());
        st.setString(11, row.policyCheckResult());
        st.setString(12, row.rule());
        st.setString(13, row.reason());
        st.setBigDecimal(14, row.estimatedUsd());
        st.setBigDecimal(15, row.amountUsd());
        setNullable(st, 16, row.upstreamStatus() == null ? null : row.upstreamStatus().longValue());
        st.setString(17, row.upstreamRequestId());
        st.setString(18, row.idempotencyKey());
        setNullable(st, 19, row.latencyUs());
        setNullable(st, 20, row.upstreamLatencyUs());
        st.setString(21, row.nodeId());
        st.setString(22, row.metadata());
        st.setString(23, row.shadowResult());
    }

    private static void setNullable(PreparedStatement st, int index, Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
    }

    public List<CallRow> list(CallQuery query) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(CallMapper.class).list(query);
        }
    }
}
