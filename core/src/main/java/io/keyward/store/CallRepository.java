package io.keyward.store;

import java.util.List;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Writes and reads the {@code calls} audit log. */
public final class CallRepository {
    private final SqlSessionFactory sessions;

    CallRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Inserts the rows in one statement and one transaction; rows whose request id is already stored are skipped. */
    public void insertBatch(List<CallRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (SqlSession s = sessions.openSession(org.apache.ibatis.session.ExecutorType.BATCH, false)) {
            CallMapper mapper = s.getMapper(CallMapper.class);
            for (CallRow row : rows) {
                mapper.insertOne(row);
            }
            s.commit();
        }
    }

    public List<CallRow> list(CallQuery query) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(CallMapper.class).list(query);
        }
    }
}
