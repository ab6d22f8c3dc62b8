package io.keyward.store;

import io.keyward.key.VaultKey;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Reads and writes {@code vault_keys}, one auto-committed session per operation. */
public final class VaultKeyRepository {
    private final SqlSessionFactory sessions;

    VaultKeyRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    public void insert(NewVaultKey key) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(VaultKeyMapper.class).insert(key);
        }
    }

    public Optional<VaultKey> find(String id) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(VaultKeyMapper.class).findById(id));
        }
    }

    public List<VaultKey> list(KeyQuery query) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VaultKeyMapper.class).list(query);
        }
    }

    /** @return whether this call revoked the key (false when it was unknown or already revoked) */
    public boolean revoke(String id, String reason) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VaultKeyMapper.class).revoke(id, reason) == 1;
        }
    }
}
