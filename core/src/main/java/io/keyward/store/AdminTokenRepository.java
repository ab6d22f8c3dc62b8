package io.keyward.store;

import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Admin tokens by hash; the tokens themselves are never stored. */
public final class AdminTokenRepository {
    private final SqlSessionFactory sessions;

    AdminTokenRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    /** @return false when the name is taken */
    public boolean create(AdminTokenRow row) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(AdminTokenMapper.class).insert(row) == 1;
        }
    }

    /** The live (unrevoked) token with this hash. */
    public Optional<AdminTokenRow> live(byte[] tokenHash) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(AdminTokenMapper.class).byHash(tokenHash));
        }
    }

    public List<AdminTokenRow> all() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(AdminTokenMapper.class).all();
        }
    }

    /** @return whether this call revoked it (false: no such token, or already revoked) */
    public boolean revoke(String name) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(AdminTokenMapper.class).revoke(name) == 1;
        }
    }
}
